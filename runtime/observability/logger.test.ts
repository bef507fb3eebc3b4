import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryEventBus } from '../event-bus/memory-event-bus.ts';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { recordSpans } from '../testing/span-recorder.ts';
import {
  ComponentLog,
  configureLogger,
  createConsoleLogger,
  type LogFields,
  type Logger,
  type LogSink,
} from './logger.ts';
import { getTracer } from './tracing.ts';

/** A logger that keeps its records, as pino would write them. */
function memoryLogger() {
  const records: { level: string; fields: LogFields; message: string }[] = [];
  const at = (level: string) => (fields: LogFields, message: string) => {
    records.push({ level, fields, message });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, records };
}

afterEach(() => configureLogger(undefined));

describe('createConsoleLogger', () => {
  function sink() {
    const lines: [string, unknown[]][] = [];
    const to =
      (level: string) =>
      (...args: unknown[]) =>
        lines.push([level, args]);
    const target: LogSink = { debug: to('debug'), info: to('info'), warn: to('warn'), error: to('error') };
    return { target, lines };
  }

  it('drops records below its level (warn by default) and writes fields, then the error', () => {
    const { target, lines } = sink();
    const logger = createConsoleLogger({ sink: target });
    const err = new Error('down');
    logger.info({ projection: 'P' }, 'started');
    logger.error({ projection: 'P', err }, 'failed');
    logger.warn({}, 'plain');
    expect(lines).toEqual([
      ['error', ['es-gen: failed', { projection: 'P' }, err]],
      ['warn', ['es-gen: plain']],
    ]);
  });

  it('honours a lower level and rejects an unknown one', () => {
    const { target, lines } = sink();
    createConsoleLogger({ sink: target, level: 'debug' }).debug({ a: 1 }, 'detail');
    expect(lines).toEqual([['debug', ['es-gen: detail', { a: 1 }]]]);
    expect(() => createConsoleLogger({ level: 'loud' as 'info' })).toThrow(
      'createConsoleLogger: level must be debug, info, warn, error or silent, got "loud"',
    );
  });
});

describe('component logs', () => {
  const spans = recordSpans();

  it('go to the configured logger with the component and the active trace and span ids', () => {
    const { logger, records } = memoryLogger();
    configureLogger(logger);
    const log = new ComponentLog('projection-runner');
    log.info({ projection: 'P' }, 'outside a span');
    const span = getTracer().startSpan('work');
    getTracer().startActiveSpan('active', (active) => {
      log.warn({ projection: 'P', position: 7 }, 'inside a span');
      active.end();
    });
    span.end();
    const [active] = spans.named('active');
    expect(records).toEqual([
      {
        level: 'info',
        fields: { component: 'projection-runner', projection: 'P' },
        message: 'outside a span',
      },
      {
        level: 'warn',
        fields: {
          component: 'projection-runner',
          projection: 'P',
          position: 7,
          trace_id: active!.spanContext().traceId,
          span_id: active!.spanContext().spanId,
        },
        message: 'inside a span',
      },
    ]);
  });

  it('prefer the component’s own logger, and a throwing logger breaks nothing', () => {
    const configured = memoryLogger();
    const own = memoryLogger();
    configureLogger(configured.logger);
    new ComponentLog('x', own.logger).error({ id: 1 }, 'mine');
    expect(own.records).toHaveLength(1);
    expect(configured.records).toHaveLength(0);
    const throwing = {
      ...own.logger,
      error: () => {
        throw new Error('sink down');
      },
    };
    expect(() => new ComponentLog('x', throwing).error({}, 'lost')).not.toThrow();
  });

  it('reject an object without the level methods, naming the option', () => {
    expect(() => new ComponentLog('event-forwarder', { info() {} } as unknown as Logger)).toThrow(
      'event-forwarder: option logger: a logger needs the methods debug, info, warn and error (fields, message), as pino has; missing debug, warn, error',
    );
    expect(() => configureLogger({} as Logger)).toThrow('configureLogger: a logger needs');
  });

  it('carry the ids of a bus handler failure as fields', async () => {
    const { logger, records } = memoryLogger();
    const bus = new InMemoryEventBus({ maxDeliveries: 1, waitForHandlers: true, logger });
    await bus.subscribe(
      () => {
        throw new Error('no mail server');
      },
      { name: 'mailer' },
    );
    const [event] = fixtureEvents(fixtureStream('tenant-a'), 1);
    await bus.publish([event!]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'error',
      message: 'subscription gave up on an event after its last delivery',
      fields: {
        component: 'event-bus:in-memory',
        subscription: 'mailer',
        eventId: event!.eventId,
        eventType: event!.eventType,
        aggregateId: event!.aggregateId,
        tenantId: 'tenant-a',
        attempt: 1,
        err: expect.objectContaining({ message: 'no mail server' }),
      },
    });
    await bus.close();
  });
});

describe('runtime sources', () => {
  it('call console only in the default logger', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        const rel = relative(root, path);
        if (entry.isDirectory()) {
          // Test support and the test kit's skip notices print for the test run, not the app.
          if (!['node_modules', 'dist', 'test', 'testing'].includes(entry.name)) walk(path);
        } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              const code = line.trim();
              if (code.startsWith('*') || code.startsWith('//') || code.startsWith('/*')) return;
              if (/\bconsole\.\w+\(/.test(code) && rel !== join('observability', 'logger.ts'))
                offenders.push(`${rel}:${i + 1}: ${code}`);
            });
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
