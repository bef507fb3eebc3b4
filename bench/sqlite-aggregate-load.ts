import { AggregateRepository } from '../runtime/aggregate/aggregate-repository.ts';
import { AggregateRoot } from '../runtime/aggregate/aggregate-root.ts';
import type { DomainEvent } from '../runtime/events/domain-event.ts';
import { uuidv7 } from '../runtime/events/uuid.ts';
import { SQLiteEventStore } from '../runtime/sqlite/sqlite-event-store.ts';
import { SQLiteSnapshotStore } from '../runtime/sqlite/sqlite-snapshot-store.ts';
import { benchDir, orderPayload } from './bench-data.ts';
import { type BenchRow, compared, interleave, timeMs } from './bench-kit.ts';

interface LedgerState {
  lines: number;
  total: number;
  skus: Record<string, number>;
}

/** A hand-written aggregate whose state grows a little with every event, as real ones do. */
class Ledger extends AggregateRoot<LedgerState> {
  static readonly aggregateType = 'Ledger';

  constructor(id: string) {
    super(id, { lines: 0, total: 0, skus: {} });
  }

  addLines(count: number, start: number): void {
    for (let i = 0; i < count; i++) this.raise('LineAdded', orderPayload(start + i));
  }

  protected when(event: DomainEvent): void {
    const data = event.data as { total: number; lines: { sku: string; quantity: number }[] };
    this.state.lines++;
    this.state.total += data.total;
    for (const line of data.lines)
      this.state.skus[line.sku] = (this.state.skus[line.sku] ?? 0) + line.quantity;
  }
}

/** Events in the benchmark stream: 10,000 plus 99, the worst case right before the next snapshot. */
const EVENTS = 10_099;

/**
 * Loads one aggregate of 10,099 events through `AggregateRepository` on SQLite, with no
 * snapshots vs with a snapshot every 100 events (the latest at 10,000, so 99 events replay).
 */
export async function aggregateLoadRows(): Promise<BenchRow[]> {
  const dir = benchDir();
  const events = new SQLiteEventStore(dir.file('ledger.db'), { synchronous: 'normal' });
  const snapshots = new SQLiteSnapshotStore(events.database);
  try {
    const common = {
      eventStore: events,
      aggregateType: 'Ledger',
      aggregateFactory: (id: string) => new Ledger(id),
    };
    const withSnapshots = new AggregateRepository({
      ...common,
      snapshotStore: snapshots,
      snapshotEvery: 100,
    });
    const withoutSnapshots = new AggregateRepository(common);
    const id = uuidv7();
    for (let written = 0; written < EVENTS; ) {
      const ledger = written === 0 ? new Ledger(id) : await withSnapshots.load(id);
      const count = Math.min(250, EVENTS - written);
      ledger.addLines(count, written);
      await withSnapshots.save(ledger);
      written += count;
    }
    const full = await withoutSnapshots.load(id);
    const fast = await withSnapshots.load(id);
    if (full.version !== EVENTS || fast.version !== EVENTS) throw new Error('loaded the wrong version');
    if (JSON.stringify(full.getState()) !== JSON.stringify(fast.getState())) {
      throw new Error('snapshot load and full replay disagree');
    }
    const ms = await interleave({
      snapshot: () => timeMs(() => withSnapshots.load(id)),
      full: () => timeMs(() => withoutSnapshots.load(id)),
    });
    return [
      compared(
        {
          name: 'SQLite aggregate load, 10,099 events, snapshot every 100 vs none (es-gen vs es-gen)',
          target: 0.05,
          note: `AggregateRepository.load on SQLite; the latest snapshot is at version 10,000, so 99 events replay (worst case); without snapshots all ${EVENTS.toLocaleString('en-US')} replay`,
        },
        ms.snapshot,
        ms.full,
      ),
    ];
  } finally {
    await snapshots.close();
    await events.close();
    dir.remove();
  }
}
