import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { Projection, ProjectionExecutor } from '../projection/projection.ts';
import type { ReadModelHandle, ReadModelHandler, ReadModelWriter } from './read-model.ts';

/** Options of {@link ReadModelProjection}. */
export interface ReadModelProjectionOptions {
  /** Only these event types are read from the store (default: every event). */
  readonly eventTypes?: readonly string[];
}

/**
 * Base class of a projection that writes a schema-declared read model (what `es-gen build`
 * generates for a projection with `readModel:`). Implement `applyEvent`, which records its writes
 * on `rows`; on SQLite and PostgreSQL they are applied with the checkpoint in one transaction, so
 * each event takes effect exactly once. Its `name` is the read model's current checkpoint key
 * (the projection's name, or `<name>__<fingerprint>` after a shape change).
 *
 * @example
 * class OrderSummary extends ReadModelProjection<OrderRow, 'orderId'> {
 *   applyEvent(e: StoredEvent, rows: ReadModelWriter<OrderRow, 'orderId'>) {
 *     if (e.eventType === 'OrderPlaced') rows.upsert({ orderId: e.aggregateId, status: 'placed' });
 *   }
 * }
 * const orders = await store.open(OrderReadModel, { projection: 'OrderSummary', eventStore, checkpointStore });
 * const runner = new ProjectionRunner(new OrderSummary(orders), { eventStore, checkpointStore, deadLetterStore });
 */
export abstract class ReadModelProjection<Row, K extends keyof Row & string>
  implements Projection, ReadModelHandler<Row, K>
{
  readonly name: string;
  readonly eventTypes: readonly string[] | undefined;
  readonly readModel: ReadModelHandle<Row, K>;

  constructor(readModel: ReadModelHandle<Row, K>, options: ReadModelProjectionOptions = {}) {
    if (typeof readModel?.createExecutor !== 'function') {
      throw new InvalidArgumentError(
        `${new.target.name}: expected an opened read model, e.g. await store.open(definition, { projection, eventStore, checkpointStore })`,
      );
    }
    this.readModel = readModel;
    this.name = readModel.checkpointKey;
    this.eventTypes = options.eventTypes;
  }

  /** Records the writes of one event on `rows`; throwing writes nothing. */
  abstract applyEvent(event: StoredEvent, rows: ReadModelWriter<Row, K>): Promise<void> | void;

  /** Applies one event in a transaction of its own, for callers other than the runner. */
  handle(event: StoredEvent): Promise<void> {
    return this.readModel.applyOnce(this, event);
  }

  /** Deletes every row of the table being written (the runner's `rebuild()` calls it). */
  reset(): Promise<void> {
    return this.readModel.clear();
  }

  /** Writes and checkpoint in one transaction on SQL stores (see `ReadModelHandle.createExecutor`). */
  createExecutor(checkpoints: CheckpointStore): ProjectionExecutor {
    return this.readModel.createExecutor(this, checkpoints);
  }
}
