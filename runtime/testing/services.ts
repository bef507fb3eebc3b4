import { Socket } from 'node:net';
import { describe } from 'vitest';

/** Connection settings of the real servers adapter tests run against (loopback defaults). */
export const serviceUrls = {
  postgres: process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redis: process.env.ES_REDIS_URL ?? 'redis://127.0.0.1:6379',
  amqp: process.env.ES_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  kafka: (process.env.ES_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
} as const;

export type ServiceName = 'postgres' | 'redis' | 'amqp' | 'kafka';

function hostPort(service: ServiceName): { host: string; port: number } {
  if (service === 'kafka') {
    const [host = '127.0.0.1', port = '9092'] = serviceUrls.kafka[0]!.split(':');
    return { host, port: Number(port) };
  }
  const url = new URL(serviceUrls[service]);
  const defaults = { postgres: 5432, redis: 6379, amqp: 5672 } as const;
  return { host: url.hostname, port: Number(url.port || defaults[service]) };
}

/** Resolves true when a TCP connection to the service opens within `timeoutMs`. */
export function isServiceReachable(service: ServiceName, timeoutMs = 1500): Promise<boolean> {
  const { host, port } = hostPort(service);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

const decided = new Map<ServiceName, Promise<boolean>>();

/**
 * Decides whether a server's tests run. Reachable: true. Unreachable outside CI: prints one
 * line saying which tests are skipped and why, and returns false. Unreachable with `CI=true`:
 * throws, so a missing server fails the run instead of passing silently. Decided once per test
 * file, so the line is printed once however many blocks ask.
 *
 * @example
 * const pgAvailable = await serviceAvailable('postgres');
 * describe.skipIf(!pgAvailable)('PostgreSQLEventStore', () => { ... });
 */
export function serviceAvailable(service: ServiceName): Promise<boolean> {
  let decision = decided.get(service);
  if (!decision) {
    decision = decide(service);
    decided.set(service, decision);
  }
  return decision;
}

async function decide(service: ServiceName): Promise<boolean> {
  if (await isServiceReachable(service)) return true;
  const where = service === 'kafka' ? serviceUrls.kafka.join(',') : serviceUrls[service];
  const message = `${service} is not reachable at ${where}`;
  if (process.env.CI === 'true') {
    throw new Error(`${message}; CI requires every server (run scripts/services.sh up)`);
  }
  console.warn(`skipping ${service} tests: ${message} (start it with scripts/services.sh up)`);
  return false;
}

/**
 * A `describe` block that runs only when `service` is available (see `serviceAvailable`: one
 * line and a skip outside CI, a failure with `CI=true`). Await it at the top of the spec file.
 *
 * @example
 * await describeWithService('redis', 'RedisEventBus', () => { ... });
 */
export async function describeWithService(
  service: ServiceName,
  title: string,
  body: () => void,
): Promise<void> {
  const available = await serviceAvailable(service);
  describe.skipIf(!available)(title, body);
}
