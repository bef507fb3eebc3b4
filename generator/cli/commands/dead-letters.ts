import type { Command } from 'commander';
import type { CliContext, CommandModule } from '../context.ts';
import { listDeadLetters, showDeadLetter } from './dead-letters-read.ts';
import { type ReplayFlags, replayDeadLetters } from './dead-letters-replay.ts';
import { discardDeadLetters } from './dead-letters-write.ts';
import { type OpsFlags, withOpsStore } from './ops-output.ts';

type Flags = ReplayFlags & OpsFlags;

function storeOptions(command: Command): Command {
  return command
    .option(
      '--store <url|file>',
      'postgres://... URL (schema as ?schema=, default es_gen) or a SQLite file path',
    )
    .option('--format <format>', 'table or json ({ "version": 1, ... })', 'table');
}

function filterOptions(command: Command): Command {
  return command
    .option('--projection <name>', 'only this projection key (OrderSummary, OrderSummary@tenant:acme, ...)')
    .option('--event-type <type>', 'only events of this type')
    .option('--aggregate-type <type>', 'only events of this aggregate type')
    .option('--aggregate-id <id>', 'only events of this aggregate (with --aggregate-type)');
}

/**
 * `es-gen dead-letters list|show|replay|discard --store <url|file> [--format table|json]`:
 * inspects and discards dead letters; `replay` records replay requests that the running runner
 * of each projection carries out (the CLI has no projection code), and with `--wait` waits for
 * the outcome. `discard` requires `--yes`. Exit 0 on success, 1 when `replay --wait` ends with
 * failed or pending replays, 2 for a bad store or argument, an unknown id, or `discard` without
 * `--yes`.
 */
export const deadLettersCommand: CommandModule = {
  name: 'dead-letters',
  register(program: Command, context: CliContext) {
    const group = program
      .command('dead-letters')
      .description("inspect, discard and replay projections' dead letters");
    const run = (name: string, flags: Flags, action: Parameters<typeof withOpsStore>[3]) =>
      withOpsStore(context, `dead-letters ${name}`, flags, action);
    storeOptions(filterOptions(group.command('list').description('dead letters in event order, filtered')))
      .option('--limit <n>', 'at most n dead letters')
      .action(async (flags: Flags) =>
        run('list', flags, (store, format) => listDeadLetters(context, store, format, flags)),
      );
    storeOptions(
      group.command('show <id>').description('one dead letter with its event data and error stack'),
    ).action(async (id: string, flags: Flags) =>
      run('show', flags, (store, format) => showDeadLetter(context, store, format, id)),
    );
    storeOptions(
      filterOptions(
        group
          .command('replay [ids...]')
          .description("ask the projections' running runners to replay these dead letters"),
      ),
    )
      .option('--wait', 'wait until they are replayed or failed again (progress on stderr)')
      .option('--timeout <seconds>', 'with --wait, wait at most this long', '60')
      .action(async (ids: string[], flags: Flags) =>
        run('replay', flags, (store, format) => replayDeadLetters(context, store, format, ids, flags)),
      );
    storeOptions(
      filterOptions(group.command('discard [ids...]').description('remove dead letters; needs --yes')),
    )
      .option('--yes', 'do it (without it, prints what would be discarded and changes nothing)')
      .action(async (ids: string[], flags: Flags) =>
        run('discard', flags, (store, format) => discardDeadLetters(context, store, format, ids, flags)),
      );
  },
};
