// Bundles each entry point of @es-gen/runtime (the `es-gen-source` targets of its package.json
// exports) into dist/, with the code that entries share in common chunks, so that importing an
// entry loads a handful of files instead of one module per source file. Packages stay external
// (drivers, @opentelemetry/api and ajv-formats load on first use). The declarations come from tsc.
// Usage (from runtime/): node ../scripts/bundle-runtime.mjs
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const entryPoints = Object.values(manifest.exports)
  .map((target) => (typeof target === 'object' ? target['es-gen-source'] : undefined))
  .filter((source) => typeof source === 'string');

await build({
  entryPoints,
  outbase: '.',
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
console.log(`bundled ${entryPoints.length} entry points of ${manifest.name} into dist/`);
