import type { CheckContext } from '../diagnostics/check-context.ts';
import type { GlobalSymbol, SymbolTable } from '../diagnostics/symbol-table.ts';
import type { NodePath } from '../load/source-file.ts';
import { isPascalCase, toPascalCase } from './naming.ts';

/** Reports a name that is not PascalCase, with the PascalCase spelling as the hint. */
export function checkPascalCase(
  ctx: CheckContext,
  path: NodePath,
  anchor: 'key' | 'value',
  what: string,
  name: string,
): void {
  if (isPascalCase(name)) return;
  const spelled = toPascalCase(name);
  ctx.report(
    path,
    anchor,
    'name-case',
    `${what} name \`${name}\` must be PascalCase`,
    spelled ? `write \`${spelled}\`` : undefined,
  );
}

/**
 * Reports every second and later definition of a name in the global namespace (named types,
 * aggregates and projections share it, since each becomes a TypeScript name), at the later one.
 */
export function checkDuplicateGlobals(
  symbols: SymbolTable,
  report: (symbol: GlobalSymbol, message: string, hint: string) => void,
): void {
  for (const [name, defs] of symbols.globals) {
    const first = defs[0];
    if (!first) continue;
    for (const later of defs.slice(1)) {
      const where = first.source.position(first.path, first.anchor);
      report(
        later,
        `${later.kind} \`${name}\` is already defined as ${article(first.kind)} at ${first.source.file}:${where.line}:${where.column}`,
        'types, aggregates and projections share one namespace across all files; rename one of them',
      );
    }
  }
}

/** Reports an event or command whose name is taken by a type, aggregate or projection. */
export function checkNotGlobal(ctx: CheckContext, path: NodePath, what: string, name: string): void {
  const taken = ctx.symbols.symbols(name)[0];
  if (!taken) return;
  const where = taken.source.position(taken.path, taken.anchor);
  ctx.report(
    path,
    'key',
    'duplicate-name',
    `${what} \`${name}\` has the same name as the ${taken.kind} at ${taken.source.file}:${where.line}:${where.column}`,
    `rename the ${what} or the ${taken.kind}`,
  );
}

function article(kind: string): string {
  return kind === 'aggregate' ? 'an aggregate' : `a ${kind}`;
}
