import type { Attributes } from '@opentelemetry/api';
import type { LagReading, LagSource } from '../observability/metrics.ts';
import type { EventStore } from './event-store.ts';
import { ageInSeconds, type LagFilter, unreadAbove } from './lag.ts';

/** What a reader of the feed tells the lag gauges about itself. */
export interface FeedReader {
  readonly attributes: Attributes;
  readonly eventStore: EventStore;
  /** The reader's checkpoint: the last position it is done with. */
  readonly checkpoint: () => Promise<number>;
  /** The filters of its `readAll` (event types, tenant, partition). */
  readonly readFilter?: LagFilter;
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
      const { events, next } = await unreadAbove(reader.eventStore, await reader.checkpoint(), filter);
      if (events === 0) return { events, ageSeconds: 0, heldBack: 0 };
      const ageSeconds = next ? (ageInSeconds(next) ?? 0) : 0;
      const heldBack = !next && !filtered ? events : 0;
      return { events, ageSeconds, heldBack };
    },
  };
}
