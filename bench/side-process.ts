/**
 * Benchmark sides in their own processes: the parent starts one long-lived child per side and
 * sends it requests over IPC, one at a time, interleaving the sides; the child times only the
 * measured work and answers with the result. Every compared side runs this way, so none is
 * favoured by a warmer heap, a shared pool or a library that patches the driver globally (as
 * Emmett does with pg's type parsers).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a side's child can be asked: operation name to handler of one JSON argument. */
export type SideHandlers = Record<string, (arg: never) => Promise<unknown>>;

interface Request {
  readonly id: number;
  readonly op: string;
  readonly arg: unknown;
}

/** A running side process. */
export interface SideProcess {
  call<T>(op: string, arg?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** Starts `bench/<script>` as a side process with `args` (loaded through tsx, source conditions). */
export function startSide(script: string, args: readonly string[]): SideProcess {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=es-gen-source', file, ...args],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  let next = 0;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    markReady = r;
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; result?: unknown; error?: string; ready?: true }) => {
    if (m.ready) return markReady();
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(`${args.join(' ')}: ${m.error}`));
    else p?.resolve(m.result);
  });
  let exitCode: number | null | undefined;
  child.on('exit', (code) => {
    exitCode = code;
    markReady();
    for (const p of pending.values()) p.reject(new Error(`side ${args.join(' ')} exited with ${code}`));
    pending.clear();
  });
  return {
    async call<T>(op: string, arg?: unknown) {
      await ready;
      if (exitCode !== undefined) throw new Error(`side ${args.join(' ')} exited with ${exitCode}`);
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, op, arg } satisfies Request);
      });
    },
    async close() {
      if (exitCode !== undefined) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ id: -1, op: 'exit', arg: null });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** In a side's child: answers requests with `handlers` until asked to exit (then runs `close`). */
export function serveSide(handlers: SideHandlers, close: () => Promise<void>): void {
  process.on('message', async (m: Request) => {
    if (m.op === 'exit') {
      await close();
      process.disconnect();
      return;
    }
    try {
      const handler = handlers[m.op];
      if (!handler) throw new Error(`unknown operation ${m.op}`);
      process.send?.({ id: m.id, result: await handler(m.arg as never) });
    } catch (error) {
      process.send?.({
        id: m.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  });
  process.send?.({ ready: true });
}
