import { list, type Resolved } from './code-parts.ts';
import type { FileImport } from './generated-file.ts';

interface ModuleImports {
  readonly specifier: string;
  readonly types: string[];
  readonly values: string[];
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function importedName(entry: FileImport): string {
  return entry.local === entry.symbol.name ? entry.local : `${entry.symbol.name} as ${entry.local}`;
}

/** Groups imports by module: packages first, then project files, each sorted by specifier. */
function groupByModule(imports: readonly FileImport[], importPath: (to: string) => string): ModuleImports[] {
  const modules = new Map<string, ModuleImports>();
  for (const entry of imports) {
    const { from } = entry.symbol;
    const specifier = 'package' in from ? from.package : importPath(from.file);
    let module = modules.get(specifier);
    if (!module) {
      module = { specifier, types: [], values: [] };
      modules.set(specifier, module);
    }
    (entry.value ? module.values : module.types).push(importedName(entry));
  }
  const isRelative = (m: ModuleImports) => m.specifier.startsWith('.');
  return [...modules.values()].sort(
    (a, b) => Number(isRelative(a)) - Number(isRelative(b)) || byCodePoint(a.specifier, b.specifier),
  );
}

function statement(keyword: string, names: readonly string[], specifier: string): Resolved {
  const sorted = [...names].sort(byCodePoint);
  return [
    keyword,
    { ...list('{', [], '}', { pad: true }), items: sorted.map((n) => [n]) },
    ` from '${specifier}';`,
  ];
}

/**
 * The import statements of a file, one resolved line each: per module an `import type` of the
 * names used only as types, then an `import` of the others, names sorted.
 */
export function printImports(imports: readonly FileImport[], importPath: (to: string) => string): Resolved[] {
  return groupByModule(imports, importPath).flatMap((m) => [
    ...(m.types.length > 0 ? [statement('import type ', m.types, m.specifier)] : []),
    ...(m.values.length > 0 ? [statement('import ', m.values, m.specifier)] : []),
  ]);
}
