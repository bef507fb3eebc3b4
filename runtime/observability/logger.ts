/**
 * Structured logs: one small interface that pino (or any object with the same level methods)
 * satisfies, a process-wide default and a console logger for when the application configures
 * nothing. Components pass ids as fields, never inside the message text.
 */

import { otel, otelRegistry } from './otel-api.ts';

/** Fields of one log record: ids (`eventId`, `position`, `projection`, ...) and `err`. */
export type LogFields = Record<string, unknown>;

/** The level methods es-gen calls, pino-style: fields first, message second. */
export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

/** Log levels, lowest first; `silent` logs nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Where the console logger writes: `console` or anything with its level methods. */
export type LogSink = Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;

/** Options of {@link createConsoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Records below this level are dropped (default `warn`). */
  readonly level?: LogLevel;
  /** Where records go (default the global `console`). */
  readonly sink?: LogSink;
}

/**
 * A logger that prints `es-gen: <message>` and the fields (an `err` field with its stack) to a
 * console-like sink, dropping records below `level`.
 *
 * @throws Error when `level` is not one of `debug`, `info`, `warn`, `error`, `silent`.
 * @example
 * configureLogger(createConsoleLogger({ level: 'info' }));
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const level = options.level ?? 'warn';
  const threshold = LEVELS[level];
  if (threshold === undefined) {
    throw new Error(
      `createConsoleLogger: level must be debug, info, warn, error or silent, got ${JSON.stringify(level)}`,
    );
  }
  const sink = options.sink ?? console;
  const at =
    (name: Exclude<LogLevel, 'silent'>) =>
    (fields: LogFields, message: string): void => {
      if (LEVELS[name] < threshold) return;
      const { err, ...rest } = fields;
      const args: unknown[] = [`es-gen: ${message}`];
      if (Object.keys(rest).length > 0) args.push(rest);
      if (err !== undefined) args.push(err);
      sink[name](...args);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const defaultLogger = createConsoleLogger();
let configured: Logger | undefined;

/**
 * Sets the logger every es-gen component uses unless it was given its own `logger` option;
 * `undefined` restores the default (warnings and errors to the console).
 *
 * @example
 * import pino from 'pino';
 * configureLogger(pino({ level: 'info' }));
 */
export function configureLogger(logger: Logger | undefined): void {
  if (logger !== undefined) assertLogger(logger, 'configureLogger');
  configured = logger;
}

/** The process-wide logger: the configured one, else the default console logger. */
export function getLogger(): Logger {
  return configured ?? defaultLogger;
}

/**
 * Throws a clear error unless `logger` has the four level methods.
 *
 * @param where names the option or function, for the message.
 */
export function assertLogger(logger: unknown, where: string): asserts logger is Logger {
  const missing = (['debug', 'info', 'warn', 'error'] as const).filter(
    (m) => typeof (logger as Partial<Logger> | null)?.[m] !== 'function',
  );
  if (missing.length === 0) return;
  throw new TypeError(
    `${where}: a logger needs the methods debug, info, warn and error (fields, message), as pino has; missing ${missing.join(', ')}`,
  );
}

/** The active span's ids, or undefined; loads nothing while OpenTelemetry is unused. */
function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  if (otelRegistry() === undefined) return undefined;
  const api = otel();
  const context = api.trace.getSpan(api.context.active())?.spanContext();
  if (!context || !api.isSpanContextValid(context)) return undefined;
  return { trace_id: context.traceId, span_id: context.spanId };
}

/**
 * The log of one component: adds `component` and the active `trace_id`/`span_id` to every
 * record and sends it to the component's own logger, else the configured one, else the console.
 * Internal to the runtime.
 */
export class ComponentLog {
  readonly #component: string;
  readonly #own: Logger | undefined;

  constructor(component: string, own?: Logger) {
    if (own !== undefined) assertLogger(own, `${component}: option logger`);
    this.#component = component;
    this.#own = own;
  }

  debug(fields: LogFields, message: string): void {
    this.#emit('debug', fields, message);
  }

  info(fields: LogFields, message: string): void {
    this.#emit('info', fields, message);
  }

  warn(fields: LogFields, message: string): void {
    this.#emit('warn', fields, message);
  }

  error(fields: LogFields, message: string): void {
    this.#emit('error', fields, message);
  }

  #emit(level: Exclude<LogLevel, 'silent'>, fields: LogFields, message: string): void {
    const logger = this.#own ?? getLogger();
    const record: LogFields = { component: this.#component, ...fields, ...activeTraceIds() };
    try {
      logger[level](record, message);
    } catch {
      // A failing logger must not break the component that logs.
    }
  }
}
