import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { createEvent, withEnvelope } from './domain-event.ts';
import { getEventContext, withEventContext } from './event-context.ts';
import { isUuid } from './uuid.ts';

const base = {
  eventType: 'OrderShipped',
  aggregateType: 'Order',
  aggregateId: 'o-1',
  data: { trackingNumber: 'T1' },
};

describe('createEvent', () => {
  it('fills the envelope with defaults and freezes the event', () => {
    const before = Date.now();
    const e = createEvent(base);
    expect(isUuid(e.eventId)).toBe(true);
    expect(e.eventId[14]).toBe('7');
    expect(e).toMatchObject({
      schemaVersion: 1,
      aggregateVersion: 0,
      tenantId: null,
      actorId: null,
      causationId: null,
    });
    expect(e.correlationId).toBe(e.eventId);
    expect(e.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen(e.metadata)).toBe(true);
  });

  it('takes tenant, actor, correlation, causation and metadata from the event context', async () => {
    const e = await withEventContext(
      {
        tenantId: 'acme',
        actorId: 'u-7',
        correlationId: 'req-1',
        causationId: 'cmd-1',
        metadata: { ip: '::1' },
      },
      async () => {
        await new Promise((r) => setTimeout(r, 1));
        return createEvent({ ...base, metadata: { source: 'test' } });
      },
    );
    expect(e).toMatchObject({
      tenantId: 'acme',
      actorId: 'u-7',
      correlationId: 'req-1',
      causationId: 'cmd-1',
    });
    expect(e.metadata).toEqual({ ip: '::1', source: 'test' });
  });

  it('merges nested contexts and lets explicit values win', () => {
    withEventContext({ tenantId: 'acme', correlationId: 'req-1' }, () => {
      withEventContext({ causationId: 'evt-9' }, () => {
        expect(getEventContext()).toMatchObject({
          tenantId: 'acme',
          correlationId: 'req-1',
          causationId: 'evt-9',
        });
        const e = createEvent({ ...base, tenantId: null, causationId: 'mine' });
        expect(e).toMatchObject({ tenantId: null, correlationId: 'req-1', causationId: 'mine' });
      });
      expect(getEventContext()?.causationId).toBeUndefined();
    });
    expect(getEventContext()).toBeUndefined();
  });

  it('uses the causation id as correlation id when only a causation is known', () => {
    const e = withEventContext({ causationId: 'evt-1' }, () => createEvent(base));
    expect(e.correlationId).toBe('evt-1');
  });

  it('accepts a Date for occurredAt and explicit ids', () => {
    const e = createEvent({
      ...base,
      occurredAt: new Date(Date.UTC(2024, 0, 2)),
      eventId: 'fixed',
      schemaVersion: 2,
    });
    expect(e).toMatchObject({ occurredAt: '2024-01-02T00:00:00.000Z', eventId: 'fixed', schemaVersion: 2 });
  });

  it('rejects a missing event type or aggregate id', () => {
    expect(() => createEvent({ ...base, eventType: '' })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument }),
    );
    expect(() => createEvent({ ...base, aggregateId: '' })).toThrow(/OrderShipped.*aggregateId is required/);
  });
});

describe('withEnvelope', () => {
  it('returns a frozen copy with some envelope fields replaced', () => {
    const e = createEvent(base);
    const copy = withEnvelope(e, { aggregateVersion: 4 });
    expect(copy).toEqual({ ...e, aggregateVersion: 4 });
    expect(e.aggregateVersion).toBe(0);
    expect(Object.isFrozen(copy)).toBe(true);
  });
});
