import { InvalidArgumentError } from '../errors.ts';
import type { ComponentHealth, ComponentKind, HealthReporter } from './component-health.ts';

/** The most lag a component may have and still count as ready. */
export interface MaxLag {
  /** Events behind the head (see `ComponentLag.events`). */
  readonly events?: number;
  /** Seconds since the oldest unhandled event occurred. */
  readonly seconds?: number;
}

/** Options of `createHealthCheck`. */
export interface HealthCheckOptions {
  /** Projection runners (`ProjectionRunner`, `PartitionedProjectionRunner`). */
  readonly runners?: readonly HealthReporter[];
  /** Event forwarders. */
  readonly forwarders?: readonly HealthReporter[];
  /** Bus consumers, or any other component that reports its health. */
  readonly consumers?: readonly HealthReporter[];
  /** Above this lag a component is not ready (default: no limit). */
  readonly maxLag?: MaxLag;
}

/** One component in a health report: its health plus the verdict and why. */
export interface ComponentReport extends ComponentHealth {
  readonly ready: boolean;
  /** Why it is not ready or not live; empty when it is both. */
  readonly reasons: readonly string[];
}

/** What a health check returns: JSON-safe, for a readiness or liveness endpoint. */
export interface HealthReport {
  /** Every component is ready: none failed or stopped, none starting, none over `maxLag`. */
  readonly ready: boolean;
  /** No component failed or stopped (a lagging or paused one is still live). */
  readonly live: boolean;
  readonly components: readonly ComponentReport[];
}

/** Runs every component's `health()` and returns the verdict. */
export type HealthCheck = () => Promise<HealthReport>;

function checkLag(max: MaxLag | undefined, value: number | undefined, limit: 'events' | 'seconds'): string[] {
  const allowed = max?.[limit];
  if (allowed === undefined || value === undefined || value <= allowed) return [];
  return [`lag of ${Math.round(value * 10) / 10} ${limit} is above maxLag.${limit} (${allowed})`];
}

function judge(health: ComponentHealth, maxLag: MaxLag | undefined): ComponentReport {
  const notLive = health.state === 'failed' || health.state === 'stopped';
  const reasons: string[] = [];
  if (notLive) {
    const error = health.state === 'failed' && health.lastError ? `: ${health.lastError.message}` : '';
    reasons.push(`${health.state}${error}`);
  }
  if (health.state === 'starting') reasons.push('starting');
  reasons.push(...checkLag(maxLag, health.lag.events, 'events'));
  reasons.push(...checkLag(maxLag, health.lag.seconds, 'seconds'));
  return { ...health, ready: reasons.length === 0, reasons };
}

/** The report of a component whose `health()` rejected (a store is unreachable): failed. */
function unreachable(component: HealthReporter, kind: ComponentKind, error: unknown): ComponentReport {
  const message = error instanceof Error ? error.message : String(error);
  return {
    name: component.name,
    kind,
    state: 'failed',
    role: 'stopped',
    lag: { events: 0, seconds: undefined },
    lastError: { message, at: new Date().toISOString() },
    deadLetters: 0,
    ready: false,
    reasons: [`health could not be read: ${message}`],
  };
}

function assertMaxLag(maxLag: MaxLag | undefined): void {
  for (const limit of ['events', 'seconds'] as const) {
    const value = maxLag?.[limit];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new InvalidArgumentError(
        `createHealthCheck: maxLag.${limit} must be a number >= 0, got ${String(value)}`,
      );
    }
  }
}

/**
 * Collects the health of runners, forwarders and bus consumers for a readiness endpoint. The
 * returned function asks every component at once; a component whose `health()` rejects is
 * reported failed. `ready` is false while any component is starting, failed, stopped or lags
 * more than `maxLag`; a paused component stays ready (pausing is deliberate). `live` is false
 * only for a failed or stopped component.
 *
 * @throws InvalidArgumentError for a `maxLag` limit that is not a number >= 0.
 * @example
 * import { createServer } from 'node:http';
 * const check = createHealthCheck({ runners: [runner], forwarders: [forwarder], maxLag: { seconds: 30 } });
 * createServer(async (req, res) => {
 *   const report = await check();
 *   const ok = req.url === '/livez' ? report.live : report.ready;
 *   res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
 *   res.end(JSON.stringify(report));
 * }).listen(8080);
 */
export function createHealthCheck(options: HealthCheckOptions): HealthCheck {
  assertMaxLag(options.maxLag);
  const components: [HealthReporter, ComponentKind][] = [
    ...(options.runners ?? []).map((c): [HealthReporter, ComponentKind] => [c, 'projection']),
    ...(options.forwarders ?? []).map((c): [HealthReporter, ComponentKind] => [c, 'forwarder']),
    ...(options.consumers ?? []).map((c): [HealthReporter, ComponentKind] => [c, 'consumer']),
  ];
  return async () => {
    const reports = await Promise.all(
      components.map(([component, kind]) =>
        component.health().then(
          (health) => judge(health, options.maxLag),
          (error: unknown) => unreachable(component, kind, error),
        ),
      ),
    );
    return {
      ready: reports.every((r) => r.ready),
      live: reports.every((r) => r.state !== 'failed' && r.state !== 'stopped'),
      components: reports,
    };
  };
}
