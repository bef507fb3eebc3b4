import { ClosedError, InvalidArgumentError } from '../errors.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import { assertCheckpoint, type CheckpointStore, type CheckpointStoreOptions } from './checkpoint-store.ts';

/** Options of {@link InMemoryCheckpointStore}. */
export interface InMemoryCheckpointStoreOptions extends CheckpointStoreOptions {
  /**
   * The map checkpoints live in (default: a new one). Pass the same map to a new store to
   * simulate a restart that keeps memory, e.g. in tests.
   */
  readonly storage?: Map<string, number>;
}

/**
 * A `CheckpointStore` in process memory: for tests and single-process tools. Nothing survives
 * the process, so a projection using it rebuilds from position 0 on every start.
 *
 * @example
 * const checkpoints = new InMemoryCheckpointStore();
 * await checkpoints.save('OrderSummary', 42);
 * await checkpoints.load('OrderSummary'); // 42
 */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly #positions: Map<string, number>;
  readonly #tracing: boolean;
  #closed = false;

  constructor(options: InMemoryCheckpointStoreOptions = {}) {
    this.#positions = options.storage ?? new Map();
    this.#tracing = options.enableTracing ?? false;
  }

  async load(projection: string): Promise<number> {
    this.#assertOpen();
    if (typeof projection !== 'string' || projection.length === 0) {
      throw new InvalidArgumentError('load needs a non-empty projection name');
    }
    return traced(this.#tracing, SpanNames.checkpointLoad, { 'es.projection': projection }, () => {
      return this.#positions.get(projection) ?? 0;
    });
  }

  async save(projection: string, position: number): Promise<void> {
    this.#assertOpen();
    assertCheckpoint(projection, position);
    const attributes = { 'es.projection': projection, 'es.position': position };
    await traced(this.#tracing, SpanNames.checkpointSave, attributes, () => {
      const current = this.#positions.get(projection) ?? 0;
      if (position > current) this.#positions.set(projection, position);
    });
  }

  async reset(projection: string, position = 0): Promise<void> {
    this.#assertOpen();
    assertCheckpoint(projection, position);
    this.#positions.set(projection, position);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('InMemoryCheckpointStore');
  }
}
