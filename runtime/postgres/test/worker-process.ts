import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { uniqueSchema } from './postgres-test-env.ts';

/**
 * Bundles a TypeScript worker into one ES module beside node_modules (so `pg` resolves): plain
 * node processes start far faster than TypeScript loaders compiling the runtime. Returns its path.
 */
export async function bundleWorker(script: string): Promise<string> {
  const outfile = resolve(
    import.meta.dirname,
    '../../../node_modules/.cache/es-gen-tests',
    `${uniqueSchema('w')}.mjs`,
  );
  await build({
    entryPoints: [script],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** A worker process: `ready` once it printed "ready", `done` with the JSON of its last line. */
export interface WorkerProcess<R> {
  readonly kill: () => void;
  /** Lets the worker start (it waits for a line on stdin). */
  readonly go: () => void;
  readonly ready: Promise<void>;
  readonly done: Promise<R>;
}

/** Starts a bundled worker with `args`; it is killed after `timeoutMs` (default 60 s). */
export function startWorker<R>(
  bundle: string,
  args: readonly string[],
  timeoutMs = 60_000,
): WorkerProcess<R> {
  const child = spawn(process.execPath, [bundle, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
  });
  const ready = new Promise<void>((resolveReady, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d;
      if (stdout.includes('ready')) resolveReady();
    });
    child.once('exit', () => reject(new Error(`worker exited before it was ready: ${stderr}`)));
  });
  const done = new Promise<R>((resolveDone, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}: ${stderr}`));
      else resolveDone(JSON.parse(stdout.trim().split('\n').pop()!) as R);
    });
  });
  ready.catch(() => {});
  return { kill: () => child.kill(), go: () => child.stdin?.end('go\n'), ready, done };
}
