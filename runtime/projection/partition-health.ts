import type { ComponentHealth, ComponentState } from '../observability/component-health.ts';

/** The order in which partition states win in the combined state: the first one present. */
const WORST_FIRST: readonly ComponentState[] = ['failed', 'starting', 'catching-up', 'live', 'paused'];

/**
 * The health of a partitioned runner from its partitions': the worst state among the
 * partitions this replica runs (`'live'` when it runs none but is started: it stands by for
 * all of them), `'active'` when it applies any partition, the summed dead letters, the largest
 * lag in events and in seconds, and the latest error. Each partition's event lag already counts
 * every event above its checkpoint, other partitions' too, so the largest one bounds the total
 * (a sum would count events several times).
 */
export function combinePartitionHealth(
  name: string,
  parts: readonly ComponentHealth[],
  started: boolean,
  paused: boolean,
): ComponentHealth {
  const running = new Set(parts.map((p) => p.state));
  const worst = WORST_FIRST.find((state) => running.has(state));
  const state: ComponentState = !started ? 'stopped' : paused ? 'paused' : (worst ?? 'live');
  const active = parts.some((p) => p.role === 'active');
  const seconds = parts.flatMap((p) => (p.lag.seconds === undefined ? [] : [p.lag.seconds]));
  const errors = parts.flatMap((p) => (p.lastError ? [p.lastError] : []));
  errors.sort((a, b) => a.at.localeCompare(b.at));
  return {
    name,
    kind: 'projection',
    state,
    role: active ? 'active' : started ? 'standby' : 'stopped',
    lag: {
      events: Math.max(0, ...parts.map((p) => p.lag.events)),
      seconds: seconds.length === parts.length ? Math.max(0, ...seconds) : undefined,
    },
    lastError: errors.at(-1),
    deadLetters: parts.reduce((n, p) => n + p.deadLetters, 0),
  };
}
