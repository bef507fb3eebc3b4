import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A consumer process and what it printed so far. */
export interface ConsumerProcess {
  readonly child: ChildProcess;
  readonly started: Set<string>;
  readonly done: Set<string>;
  /** Resolves once the process subscribed (bounded by `timeoutMs`). */
  ready(timeoutMs: number): Promise<void>;
  /** Kills it with SIGKILL and waits for the exit. */
  kill(): Promise<void>;
}

const script = fileURLToPath(new URL('./consumer-process.ts', import.meta.url));

/**
 * Starts `consumer-process.ts` under tsx with `env` added to the environment; `onLine` sees
 * every `start`/`done` line as it arrives (e.g. to merge several processes' order).
 */
export function spawnConsumer(
  env: Record<string, string>,
  onLine?: (what: string, eventId: string) => void,
): ConsumerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = new Set<string>();
  const done = new Set<string>();
  let isReady = false;
  let stderr = '';
  let buffer = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [what, id = ''] = line.split(' ');
      if (what === 'ready') isReady = true;
      else if (what === 'start') started.add(id);
      else if (what === 'done') done.add(id);
      if (what !== undefined) onLine?.(what, id);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    started,
    done,
    ready: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (!isReady) {
        if (child.exitCode !== null) throw new Error(`consumer process exited early: ${stderr}`);
        if (Date.now() > deadline)
          throw new Error(`consumer process not ready within ${timeoutMs} ms: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A loopback TCP proxy to a broker; `dropAll()` destroys every proxied connection at once, as a
 * network failure would, while new connections keep working.
 */
export class DroppingProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  drops = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listens on a free loopback port and forwards to `targetPort` on 127.0.0.1. */
  static async start(targetPort: number): Promise<DroppingProxy> {
    const server = createServer();
    const proxy = new DroppingProxy(server);
    server.on('connection', (client) => proxy.#pipe(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Destroys every open connection through the proxy. */
  dropAll(): void {
    this.drops += 1;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #pipe(client: Socket, targetPort: number): void {
    const upstream = new Socket();
    for (const s of [client, upstream]) {
      this.#sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        this.#sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.connect(targetPort, '127.0.0.1', () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
}
