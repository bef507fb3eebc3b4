import { posix } from 'node:path';
import type { ImportExtension } from '../config/import-extension.ts';

/** `OrderSummary` → `order-summary`; `HTTPRequest` → `http-request`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

/** `PlaceOrder` → `placeOrder`. */
export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Method name of a command handler: `PlaceOrder` → `placeOrder`. */
export function commandHandlerName(command: string): string {
  return camelCase(command);
}

/** Method name of an event applier on an aggregate: `OrderPlaced` → `applyOrderPlaced`. */
export function applierName(event: string): string {
  return `apply${event}`;
}

/** Method name of the typed raise helper on an aggregate base: `OrderPlaced` → `raiseOrderPlaced`. */
export function raiseMethodName(event: string): string {
  return `raise${event}`;
}

/** Method name of a projection handler: `OrderPlaced` → `onOrderPlaced`. */
export function projectionHandlerName(event: string): string {
  return `on${event}`;
}

/** Type names of one event: the typed event, its current payload and its create() input. */
export function eventTypeNames(event: string): {
  event: string;
  stored: string;
  data: string;
  input: string;
} {
  return {
    event: `${event}Event`,
    stored: `${event}StoredEvent`,
    data: `${event}Data`,
    input: `${event}Input`,
  };
}

/** `PlaceOrder` → `PlaceOrderCommand`. */
export function commandTypeName(command: string): string {
  return `${command}Command`;
}

/** `Order` → `OrderState`, `OrderBase`, `OrderEvent`. */
export function aggregateTypeNames(aggregate: string): { state: string; base: string; event: string } {
  return { state: `${aggregate}State`, base: `${aggregate}Base`, event: `${aggregate}Event` };
}

/** `OrderSummary` → `OrderSummaryProjectionBase`, `OrderSummaryEvent`. */
export function projectionTypeNames(projection: string): { base: string; event: string } {
  return { base: `${projection}ProjectionBase`, event: `${projection}Event` };
}

/** Name of the precompiled validator of one event version: `validateOrderPlacedV2`. */
export function validatorName(event: string, version: number): string {
  return `validate${event}V${version}`;
}

/** Name of the precompiled validator of one command's input: `validatePlaceOrderCommand`. */
export function commandValidatorName(command: string): string {
  return `validate${command}Command`;
}

/** Joins project-relative path parts with `/`, normalised. */
export function joinPath(...parts: string[]): string {
  return posix.normalize(posix.join(...parts.map((p) => p.replaceAll('\\', '/'))));
}

/**
 * The import specifier from the file `from` to the TypeScript file `to` (both project-relative),
 * always starting with `./` or `../`, with `to`'s `.ts` replaced by `extension` (`''` for none).
 *
 * @example
 * relativeImport('src/domain/order.ts', 'src/generated/index.ts', '.js'); // '../generated/index.js'
 */
export function relativeImport(from: string, to: string, extension: ImportExtension): string {
  const rel = posix.relative(posix.dirname(from), to).replace(/\.ts$/, extension);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** A relative import specifier without its `.ts`/`.js` extension, to compare specifiers written either way. */
export function withoutExtension(specifier: string): string {
  return specifier.replace(/\.(ts|js)$/, '');
}

/** True when `name` can be written as a bare property name. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

/** A property name as written in TypeScript: bare when possible, otherwise quoted. */
export function propertyName(name: string): string {
  return isIdentifier(name) ? name : tsString(name);
}

/** A single-quoted TypeScript string literal. */
export function tsString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`;
}

/** A JSON-like value as a TypeScript expression (single quotes, bare keys where possible). */
export function tsLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return tsString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${propertyName(k)}: ${tsLiteral(v)}`).join(', ')} }`;
}
