/**
 * Counts the modules a fresh `node` process loads for one import: ES modules through a loader
 * hook (registered with `module.register`, reporting each loaded URL over a MessagePort), plus
 * the CommonJS modules in `require.cache` (nested `require`s bypass the hooks on Node 20).
 */
import { execFileSync } from 'node:child_process';

// Runs on the hooks thread: reports every file: module it loads.
const HOOKS = `
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) port.postMessage(url);
  return next(url, context);
}`;

function countingScript(specifier: string): string {
  return `
import { register, createRequire } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
const { port1, port2 } = new MessageChannel();
const urls = new Set();
port1.on('message', (url) => urls.add(url));
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), {
  data: { port: port2 }, transferList: [port2],
});
await import(${JSON.stringify(specifier)});
await new Promise((resolve) => setTimeout(resolve, 100));
for (const file of Object.keys(createRequire(import.meta.url).cache)) urls.add(pathToFileURL(file).href);
port1.close();
console.log(JSON.stringify([...urls]));`;
}

/** Modules loaded by importing `specifier`: ours (the runtime's dist) and those of dependencies. */
export interface ModuleCount {
  readonly total: number;
  readonly runtime: number;
  readonly dependencies: number;
}

/**
 * Imports `specifier` in a fresh process started in `cwd` and counts the files it loads.
 *
 * @example
 * countModules('@es-gen/runtime', repoRoot) // { total: 60, runtime: 45, dependencies: 15 }
 */
export function countModules(specifier: string, cwd: string): ModuleCount {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', countingScript(specifier)], {
    cwd,
    encoding: 'utf8',
  });
  const urls = JSON.parse(out.trim().split('\n').at(-1)!) as string[];
  const dependencies = urls.filter((u) => u.includes('/node_modules/')).length;
  return { total: urls.length, runtime: urls.length - dependencies, dependencies };
}
