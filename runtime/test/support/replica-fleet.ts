import { type ChildProcess, spawn } from 'node:child_process';

/** A status line a replica printed. */
export interface ReplicaLine {
  readonly replica: string;
  readonly state: 'active' | 'standby' | 'stopped';
  readonly holder: string | undefined;
  readonly epoch: number | undefined;
  /** The lease key, e.g. `projection:Applied#p2of4` for a partition's runner. */
  readonly key: string;
  /** `Date.now()` in the replica when its status changed. */
  readonly t: number;
}

/** A running `replica-process`. */
export interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once it printed `ready` (bounded by `timeoutMs`). */
  ready(timeoutMs: number): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (the runner stops and releases its lease), then waits for the exit (bounded). */
  stop(timeoutMs: number): Promise<void>;
  readonly stderr: () => string;
}

/** Starts the bundled replica process; every status line goes to `onLine`. */
export function startReplica(
  bundle: string,
  name: string,
  args: readonly string[],
  onLine: (line: ReplicaLine) => void,
): Replica {
  const child = spawn(process.execPath, [bundle, ...args.slice(0, 3), name, ...args.slice(3)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  let stderr = '';
  let buffer = '';
  let isReady = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') isReady = true;
      else if (line.startsWith('{'))
        onLine({ replica: name, ...(JSON.parse(line) as Omit<ReplicaLine, 'replica'>) });
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const bounded = (ms: number) => Promise.race([exited, new Promise((r) => setTimeout(r, ms))]);
  return {
    name,
    child,
    stderr: () => stderr,
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!isReady) {
        if (child.exitCode !== null) throw new Error(`replica ${name} exited early: ${stderr}`);
        if (Date.now() > deadline)
          throw new Error(`replica ${name} not ready within ${timeoutMs} ms: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await bounded(5_000);
    },
    async stop(timeoutMs) {
      if (child.exitCode === null) child.kill('SIGTERM');
      await bounded(timeoutMs);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Polls `check` every 25 ms until true; throws `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
