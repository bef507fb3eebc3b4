import { describeValue } from '../describe-value.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { ReadModelFindOptions, ResolvedColumn } from './read-model.ts';
import { type AnyDefinition, columnOf, type Dialect, encodeValue, keyColumns } from './row-codec.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** One equality filter with its stored value. */
export interface Filter {
  readonly column: ResolvedColumn;
  readonly value: unknown;
}

/** A validated `find`: filters, keyset order (order column then the key), cursor values, page size. */
export interface FindPlan {
  readonly filters: readonly Filter[];
  /** The order columns: `orderBy`, then the key columns not already in it. */
  readonly order: readonly ResolvedColumn[];
  readonly direction: 'asc' | 'desc';
  /** Stored values of `order` from the previous page's last row. */
  readonly after: readonly unknown[] | undefined;
  readonly limit: number;
  /**
   * The plan's SQL shape (filter columns, order, direction, whether a cursor is given): plans of
   * one shape share their SQL text, so stores build and prepare it once.
   */
  readonly shape: string;
}

/** Equality filters of `where` (undefined values are skipped): key or indexed columns only. */
export function planWhere(def: AnyDefinition, where: unknown, dialect: Dialect): Filter[] {
  if (where === undefined) return [];
  if (typeof where !== 'object' || where === null) {
    throw new InvalidArgumentError(
      `read model "${def.name}": where must be an object, got ${describeValue(where)}`,
    );
  }
  const filters: Filter[] = [];
  for (const [property, value] of Object.entries(where)) {
    if (value === undefined) continue;
    const column = columnOf(def, property);
    if (!def.queryable.has(property)) {
      throw new InvalidArgumentError(
        `read model "${def.name}": cannot filter on "${property}", which is neither a key nor an indexed column; add an index on it`,
      );
    }
    if (value === null) {
      throw new InvalidArgumentError(
        `read model "${def.name}": where.${property} is null; filters compare equal values`,
      );
    }
    filters.push({ column, value: encodeValue(def, column, value, dialect) });
  }
  return filters;
}

/** The query a cursor belongs to, so a cursor of another query is refused. */
function queryTag(order: readonly ResolvedColumn[], direction: string): string {
  return `${order.map((c) => c.sqlName).join(',')}:${direction}`;
}

/** Validates `find`'s arguments into a plan. */
export function planFind(
  def: AnyDefinition,
  where: unknown,
  options: ReadModelFindOptions<unknown> | undefined,
  dialect: Dialect,
): FindPlan {
  const filters = planWhere(def, where, dialect);
  const orderBy = (options?.orderBy as string | undefined) ?? (def.key[0] as string);
  const first = columnOf(def, orderBy);
  if (!def.queryable.has(orderBy)) {
    throw new InvalidArgumentError(
      `read model "${def.name}": cannot order by "${orderBy}", which is neither a key nor an indexed column`,
    );
  }
  if (first.nullable) {
    throw new InvalidArgumentError(
      `read model "${def.name}": cannot order by nullable column "${orderBy}" (keyset paging needs values)`,
    );
  }
  const order = [first, ...keyColumns(def).filter((c) => c !== first)];
  const direction = options?.direction ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') {
    throw new InvalidArgumentError(
      `read model "${def.name}": direction must be "asc" or "desc", got ${describeValue(direction)}`,
    );
  }
  const limit = options?.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidArgumentError(
      `read model "${def.name}": limit must be an integer from 1 to ${MAX_LIMIT}, got ${describeValue(limit)}`,
    );
  }
  const tag = queryTag(order, direction);
  const after =
    options?.after === undefined ? undefined : decodeCursor(def, options.after, tag, order.length);
  const filtered = filters.map((f) => f.column.sqlName).join(',');
  const shape = `${filtered}|${tag}|${after === undefined ? '' : 'after'}`;
  return { filters, order, direction, after, limit, shape };
}

/** The opaque cursor after `row` (a decoded row) for `plan`. */
export function cursorAfter(
  def: AnyDefinition,
  plan: FindPlan,
  row: Record<string, unknown>,
  dialect: Dialect,
): string {
  const values = plan.order.map((c) => encodeValue(def, c, row[c.property], dialect));
  return Buffer.from(JSON.stringify([queryTag(plan.order, plan.direction), values])).toString('base64url');
}

function decodeCursor(def: AnyDefinition, cursor: unknown, tag: string, size: number): unknown[] {
  const refuse = (): never => {
    throw new InvalidArgumentError(
      `read model "${def.name}": "after" is not a cursor of this query (same where, orderBy and direction); pass the previous page's next`,
    );
  };
  if (typeof cursor !== 'string' || cursor === '') refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor as string, 'base64url').toString('utf8'));
  } catch {
    refuse();
  }
  if (!Array.isArray(parsed) || parsed[0] !== tag || !Array.isArray(parsed[1]) || parsed[1].length !== size)
    refuse();
  return (parsed as [string, unknown[]])[1];
}
