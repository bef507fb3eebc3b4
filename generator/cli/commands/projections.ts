import type { Command } from 'commander';
import type { CliContext, CommandModule } from '../context.ts';
import { type OpsFlags, withOpsStore } from './ops-output.ts';
import { projectionsReset } from './projections-reset.ts';
import { projectionsStatus } from './projections-status.ts';

interface ResetFlags extends OpsFlags {
  readonly allTenants?: boolean;
  readonly yes?: boolean;
  readonly wait?: boolean;
  readonly timeout?: string;
}

function storeOptions(command: Command): Command {
  return command
    .option(
      '--store <url|file>',
      'postgres://... URL (schema as ?schema=, default es_gen) or a SQLite file path',
    )
    .option('--format <format>', 'table or json ({ "version": 1, ... })', 'table');
}

/**
 * `es-gen projections status|reset --store <url|file> [--format table|json]`: each projection's
 * checkpoint, lag and dead letters; resetting a checkpoint so the next run rebuilds. Exit 0 on
 * success, 2 for a bad store, an unknown projection or a reset without `--yes`, 3 on internal
 * errors.
 */
export const projectionsCommand: CommandModule = {
  name: 'projections',
  register(program: Command, context: CliContext) {
    const projections = program
      .command('projections')
      .description("inspect projections' checkpoints, lag and dead letters on a store; reset one");
    storeOptions(
      projections
        .command('status')
        .description(
          'each checkpoint key (per-tenant keys too): checkpoint, lag in events and time, dead letters',
        ),
    ).action(async (flags: OpsFlags) =>
      withOpsStore(context, 'projections status', flags, (store, format) =>
        projectionsStatus(context, store, format),
      ),
    );
    storeOptions(
      projections
        .command('reset <name>')
        .description(
          "set a projection's checkpoint to 0 and drop its dead letters (the read model is not touched)",
        )
        .option('--all-tenants', 'also reset its per-tenant keys (<name>@tenant:<id>, <name>@no-tenant)')
        .option('--yes', 'do it (without it, prints what would be reset and changes nothing)')
        .option('--wait', "then wait while the application's runners rebuild (progress on stderr)")
        .option('--timeout <seconds>', 'with --wait, wait at most this long', '600'),
    ).action(async (name: string, flags: ResetFlags) =>
      withOpsStore(context, 'projections reset', flags, (store, format) =>
        projectionsReset(context, store, format, name, {
          allTenants: flags.allTenants === true,
          yes: flags.yes === true,
          wait: flags.wait === true,
          ...(flags.timeout === undefined ? {} : { timeout: flags.timeout }),
        }),
      ),
    );
  },
};
