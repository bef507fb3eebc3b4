import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_DEFAULTS, CONFIG_FILE_NAME } from '../../config/config.ts';
import type { CliContext, CommandModule } from '../context.ts';
import { ExitCode } from '../context.ts';
import { SAMPLE_AGGREGATE, SAMPLE_CONFIG, SAMPLE_PROJECTION, schemaComment } from '../sample-schemas.ts';
import { writeProjectFiles } from './init-project-files.ts';

/** The meta-schema as seen from the project root once es-gen is installed. */
const META_SCHEMA = 'node_modules/es-gen/schemas/es-gen.schema.json';

/** The files `es-gen init` writes, relative to the target folder. */
export function initFiles(): { path: string; content: string }[] {
  const schema = (path: string, text: string) => {
    const up = '../'.repeat(path.split('/').length - 1);
    return { path, content: schemaComment(`${up}${META_SCHEMA}`) + text };
  };
  return [
    { path: CONFIG_FILE_NAME, content: SAMPLE_CONFIG },
    schema(`${CONFIG_DEFAULTS.schemas}/order.yaml`, SAMPLE_AGGREGATE),
    schema(`${CONFIG_DEFAULTS.schemas}/projections/order-summary.yaml`, SAMPLE_PROJECTION),
  ];
}

/**
 * `es-gen init [folder]`: scaffolds `es-gen.config.yaml`, a sample aggregate and projection
 * schema, and the output and domain folders. Refuses (exit 2, nothing written) when any of
 * those files exists. Then writes `tsconfig.json` when there is none and creates or completes
 * `package.json` (`es-gen:build` and `es-gen:check` scripts), never overwriting anything.
 */
export const initCommand: CommandModule = {
  name: 'init',
  register(program: Command, context: CliContext) {
    program
      .command('init')
      .description(
        'scaffold es-gen.config.yaml, sample schemas, the source folders, tsconfig.json and package.json scripts',
      )
      .argument('[folder]', 'the project folder', '.')
      .version(context.version)
      .action((folder: string) => {
        const target = resolve(context.cwd, folder);
        const files = initFiles();
        const existing = files.filter((f) => existsSync(join(target, f.path)));
        if (existing.length > 0) {
          for (const file of existing) context.stderr(`es-gen: ${file.path} already exists\n`);
          context.stderr(
            'es-gen: init writes nothing when any of its files exists; move them away or edit them by hand\n',
          );
          context.fail(ExitCode.Invalid);
          return;
        }
        for (const file of files) {
          mkdirSync(dirname(join(target, file.path)), { recursive: true });
          writeFileSync(join(target, file.path), file.content, { flag: 'wx' });
          context.stdout(`created ${file.path}\n`);
        }
        for (const dir of [CONFIG_DEFAULTS.output, CONFIG_DEFAULTS.domain]) {
          mkdirSync(join(target, dir), { recursive: true });
          context.stdout(`created ${dir}/\n`);
        }
        try {
          for (const line of writeProjectFiles(target)) context.stdout(`${line}\n`);
        } catch (error) {
          context.stderr(`es-gen init: ${(error as Error).message}\n`);
          context.fail(ExitCode.Invalid);
          return;
        }
        context.stdout('es-gen: next, run `npx es-gen build`\n');
      });
  },
};
