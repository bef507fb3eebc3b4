/**
 * Symbols that generated code refers to. Printing a symbol into a {@link GeneratedFile} is what
 * imports it: the file collects the imports of the symbols it printed, so an import can never be
 * listed apart from the code that needs it.
 */

/** Where an imported symbol comes from: a package specifier, or a file of the project. */
export type ImportSource =
  /** A bare specifier, e.g. `@es-gen/runtime/codegen`; imported as written. */
  | { readonly package: string }
  /** A project-relative path, e.g. `src/generated/types.ts`; imported by a relative specifier. */
  | { readonly file: string };

/** A named export of a module, as generated code refers to it. */
export interface ImportSymbol {
  readonly kind: 'symbol';
  /** The exported name. */
  readonly name: string;
  readonly from: ImportSource;
  /**
   * True when this use needs only the type: a file whose every use of a symbol is type-only
   * imports it with `import type`.
   */
  readonly typeOnly: boolean;
}

/**
 * A symbol exported by `from` under `name`; pass `typeOnly: true` for a use in a type position.
 *
 * @example
 * const defineEvent = importSymbol('defineEvent', { package: '@es-gen/runtime/codegen' });
 * file.print('export abstract class A extends ', defineEvent, '(...) {}');
 */
export function importSymbol(name: string, from: ImportSource, typeOnly = false): ImportSymbol {
  if (!/^[A-Za-z_$][\w$]*$/.test(name))
    throw new Error(`importSymbol: "${name}" is not an identifier; pass the exported name of the module`);
  return { kind: 'symbol', name, from, typeOnly };
}

/** The same symbol used in a type position (imported with `import type` unless also used as a value). */
export function asType(symbol: ImportSymbol): ImportSymbol {
  return symbol.typeOnly ? symbol : { ...symbol, typeOnly: true };
}

/** True when `value` is an {@link ImportSymbol}. */
export function isImportSymbol(value: unknown): value is ImportSymbol {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'symbol';
}

/** A stable key of the module a symbol comes from. */
export function sourceKey(from: ImportSource): string {
  return 'package' in from ? `package:${from.package}` : `file:${from.file}`;
}
