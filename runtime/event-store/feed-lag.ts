import type { Attributes } from '@opentelemetry/api';
import type { LagReading, LagSource } from '../observability/metrics.ts';
import type { EventStore, ReadAllOptions } from './event-store.ts';

/** What a reader of the feed tells the lag gauges about itself. */
export interface FeedReader {
  readonly attributes: Attributes;
  readonly eventStore: EventStore;
  /** The reader's checkpoint: the last position it is done with. */
  readonly checkpoint: () => Promise<number>;
  /** The filters of its `readAll` (event types, tenant, partition). */
  readonly readFilter?: Pick<ReadAllOptions, 'eventTypes' | 'tenantId' | 'partition'>;
  /** False while it should report nothing (a standby replica). */
  readonly active: () => boolean;
}

/**
 * The lag of a feed reader, measured when the gauges are collected: events = head position
 * minus checkpoint; age = seconds since the `occurredAt` of the first event after the
 * checkpoint that the reader would read (0 when there is none); held back = head minus
 * checkpoint when an unfiltered reader finds nothing to read below the head (PostgreSQL holds
 * back events committed behind an older transaction still in flight).
 */
export function feedLagSource(reader: FeedReader): LagSource {
  const filter = reader.readFilter ?? {};
  const filtered =
    Boolean(filter.eventTypes?.length) || filter.tenantId !== undefined || filter.partition !== undefined;
  return {
    attributes: reader.attributes,
    async read(): Promise<LagReading | undefined> {
      if (!reader.active()) return undefined;
      const [head, checkpoint] = await Promise.all([
        reader.eventStore.getHeadPosition(),
        reader.checkpoint(),
      ]);
      const events = Math.max(0, head - checkpoint);
      if (events === 0) return { events, ageSeconds: 0, heldBack: 0 };
      const [next] = await reader.eventStore.readAll({ ...filter, fromPosition: checkpoint + 1, limit: 1 });
      const ageSeconds = next ? Math.max(0, (Date.now() - Date.parse(next.occurredAt)) / 1000) : 0;
      const heldBack = !next && !filtered ? events : 0;
      return { events, ageSeconds, heldBack };
    },
  };
}
