import type { CommandModule } from '../context.ts';
import { buildCommand } from './build.ts';
import { checkCommand } from './check.ts';
import { initCommand } from './init.ts';
import { lockCommand } from './lock.ts';

/**
 * Every CLI command, in the order `--help` lists them. Adding a command is one file in this
 * folder exporting a `CommandModule`, plus one line here.
 *
 * Commands still to be added here:
 * - `check [--against lock|git:<ref>] [--format text|json|github]`: schema evolution check (`commands/check.ts`)
 * - `lock`: record the current event schemas (`commands/lock.ts`)
 * - `docs`: generate documentation (`commands/docs.ts`)
 * - `migrate --store <url>`: migrate stored events (`commands/migrate.ts`)
 */
export const COMMANDS: readonly CommandModule[] = [
  initCommand,
  buildCommand,
  checkCommand,
  lockCommand,
  // docs, migrate: register here
];
