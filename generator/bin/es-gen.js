#!/usr/bin/env node
// The es-gen command. It runs the compiled CLI from dist/ in an installed package, and the
// TypeScript sources (through tsx, with the `es-gen-source` export condition) in a checkout of
// the repository. ES_GEN_FROM=dist|source forces one of them.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const distEntry = new URL('dist/cli/main.js', root);
const sourceEntry = new URL('cli/main.ts', root);

function chooseEntry() {
  const forced = process.env.ES_GEN_FROM;
  if (forced === 'dist' || forced === 'source') return forced;
  const installed = fileURLToPath(import.meta.url)
    .split(/[\\/]/)
    .includes('node_modules');
  if (installed && existsSync(distEntry)) return 'dist';
  return existsSync(sourceEntry) ? 'source' : 'dist';
}

async function loadSources() {
  try {
    const tsx = await import('tsx/esm/api');
    tsx.register();
  } catch (error) {
    process.stderr.write(
      `es-gen: cannot run from the TypeScript sources without tsx (${error.message}); run \`npm run build\` or install tsx\n`,
    );
    process.exit(3);
  }
  // Registered after tsx, so it runs first and lets tsx resolve `@es-gen/runtime` to its sources.
  const hook =
    'export async function resolve(specifier, context, next) {' +
    " return next(specifier, { ...context, conditions: [...context.conditions, 'es-gen-source'] }); }";
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  return import(sourceEntry.href);
}

const cli = chooseEntry() === 'source' ? await loadSources() : await import(distEntry.href);
process.exitCode = await cli.main(process.argv.slice(2));
