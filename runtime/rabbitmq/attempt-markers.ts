import type { ChannelModel, ConfirmChannel } from 'amqplib';

interface Marker {
  readonly eventId: string;
  /** Runs of the handler started on a redelivered copy of the event. */
  readonly runs: number;
}

const MAX_BROWSED = 10_000;

/**
 * Durable counts of handler runs on redelivered messages, kept as messages in the queue
 * `<queue>.attempts` (at most one per event). A process that crashes inside a handler cannot
 * count the attempt afterwards, so the run is recorded before the handler starts. Only
 * redelivered messages are counted this way; the healthy path costs nothing.
 */
export class AttemptMarkers {
  readonly #queue: string;

  /** `queue` is the attempts queue, declared with the group's queue. */
  constructor(queue: string) {
    this.#queue = queue;
  }

  /**
   * The runs recorded for `eventId` so far; when `record(runs)` says so, first records one
   * more (confirmed by the broker) and drops the older marker.
   */
  async begin(
    model: ChannelModel,
    confirm: ConfirmChannel,
    eventId: string,
    record: (runs: number) => boolean,
  ): Promise<number> {
    return this.#browse(model, eventId, async (runs) => {
      if (!record(runs)) return false;
      const marker: Marker = { eventId, runs: runs + 1 };
      confirm.sendToQueue(this.#queue, Buffer.from(JSON.stringify(marker)), { persistent: true });
      await confirm.waitForConfirms();
      return true;
    });
  }

  /** Drops the marker of a settled (handled or dead-lettered) event. */
  async clear(model: ChannelModel, eventId: string): Promise<void> {
    await this.#browse(model, eventId, async () => true);
  }

  /**
   * Reads every marker on a channel of its own, passes the runs recorded for `eventId` to
   * `then`, acknowledges that event's markers when `then` resolves true, and returns the rest.
   */
  async #browse(
    model: ChannelModel,
    eventId: string,
    then: (runs: number) => Promise<boolean>,
  ): Promise<number> {
    const channel = await model.createChannel();
    channel.on('error', () => {});
    try {
      let runs = 0;
      const mine = [];
      for (let i = 0; i < MAX_BROWSED; i++) {
        const message = await channel.get(this.#queue, { noAck: false });
        if (!message) break;
        const marker = parseMarker(message.content);
        if (marker?.eventId !== eventId) continue;
        runs = Math.max(runs, marker.runs);
        mine.push(message);
      }
      if (await then(runs)) for (const message of mine) channel.ack(message);
      return runs;
    } finally {
      await channel.close().catch(() => {}); // returns the other events' markers
    }
  }
}

function parseMarker(content: Buffer): Marker | undefined {
  try {
    const parsed = JSON.parse(content.toString('utf8')) as Partial<Marker>;
    return typeof parsed.eventId === 'string' && typeof parsed.runs === 'number'
      ? { eventId: parsed.eventId, runs: parsed.runs }
      : undefined;
  } catch {
    return undefined;
  }
}
