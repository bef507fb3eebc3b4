import type { DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import { toDeadLetterError } from '../dead-letter-store/dead-letter-store.ts';
import type { EventSourcingError } from '../errors.ts';
import { isUndecodableEvent, undecodableError } from '../event-store/undecodable-event.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { uuidv7 } from '../events/uuid.ts';

/** A page of `readAll` split into what to publish and what the forwarder did with the rest. */
export interface ForwardablePage {
  /** The decodable events to publish, in order. */
  readonly publish: readonly StoredEvent[];
  /** Position the checkpoint may move to once `publish` is published (0: nowhere). */
  readonly through: number;
  /** Set when an undecodable event stopped the page (no dead-letter store): throw it after publishing. */
  readonly stoppedBy: EventSourcingError | undefined;
}

/**
 * Sets the undecodable events of a page aside: each is dead-lettered under the forwarder's
 * name and reported, and the page goes on; without a dead-letter store the page ends before
 * the first one, which is returned as `stoppedBy` so nothing after it is published or skipped.
 */
export async function setAsideUndecodable(
  page: readonly StoredEvent[],
  deadLetters: DeadLetterStore | undefined,
  name: string,
  report: (error: unknown) => void,
): Promise<ForwardablePage> {
  const publish: StoredEvent[] = [];
  let through = 0;
  for (const event of page) {
    if (isUndecodableEvent(event)) {
      const error = undecodableError(event);
      if (!deadLetters) return { publish, through, stoppedBy: error };
      await deadLetters.add({
        id: uuidv7(),
        projection: name,
        event,
        error: toDeadLetterError(error),
        attempts: 0,
        failedAt: new Date().toISOString(),
      });
      report(error);
    } else {
      publish.push(event);
    }
    through = event.position;
  }
  return { publish, through, stoppedBy: undefined };
}
