import type { CommandModule } from '../context.ts';
import { buildCommand } from './build.ts';
import { checkCommand } from './check.ts';
import { deadLettersCommand } from './dead-letters.ts';
import { docsCommand } from './docs.ts';
import { initCommand } from './init.ts';
import { lockCommand } from './lock.ts';
import { migrateCommand } from './migrate.ts';
import { projectionsCommand } from './projections.ts';

/**
 * Every CLI command, in the order `--help` lists them. Adding a command is one file in this
 * folder exporting a `CommandModule`, plus one line here.
 */
export const COMMANDS: readonly CommandModule[] = [
  initCommand,
  buildCommand,
  checkCommand,
  lockCommand,
  docsCommand,
  migrateCommand,
  projectionsCommand,
  deadLettersCommand,
];
