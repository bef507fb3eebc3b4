// Checks a production install of @es-gen/runtime alone: no toolchain package, no driver, and
// at most 10 MB of node_modules. Prints the package list and the size.
// Usage: node check-install.mjs <project folder>
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
const LIMIT = 10 * 1024 * 1024;
const FORBIDDEN = [
  'ts-morph',
  'typescript',
  'tsx',
  'esbuild',
  'handlebars',
  'commander',
  'chokidar',
  'vitest',
  'pg',
  'better-sqlite3',
  'ioredis',
  'amqplib',
  'kafkajs',
  'es-gen',
];

function packages(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const inner of readdirSync(join(dir, name)))
        visit(join(dir, name, inner), `${name}/${inner}`, found);
    } else visit(join(dir, name), name, found);
  }
  return found;
}
function visit(path, name, found) {
  found.push(name);
  const nested = join(path, 'node_modules');
  try {
    if (statSync(nested).isDirectory()) packages(nested, found);
  } catch {}
}
function size(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + size(join(path, name)), 0);
}

const modules = join(root, 'node_modules');
const installed = [...new Set(packages(modules))].sort();
const bytes = size(modules);
console.log(`installed packages (${installed.length}): ${installed.join(', ')}`);
console.log(`node_modules: ${(bytes / 1024 / 1024).toFixed(2)} MB (limit ${LIMIT / 1024 / 1024} MB)`);
const bad = installed.filter((name) => FORBIDDEN.includes(name));
if (bad.length > 0) throw new Error(`a production install of @es-gen/runtime holds ${bad.join(', ')}`);
if (bytes > LIMIT)
  throw new Error(`a production install of @es-gen/runtime is ${bytes} bytes, over ${LIMIT}`);
console.log('production install: ok');
