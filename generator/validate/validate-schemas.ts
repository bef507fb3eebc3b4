import { createCheckContext } from '../diagnostics/check-context.ts';
import { SymbolTable } from '../diagnostics/symbol-table.ts';
import type { Diagnostic } from '../load/diagnostic.ts';
import { sortDiagnostics } from '../load/diagnostic.ts';
import type { LoadedSchemas } from '../load/load-schemas.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { RawDoc } from '../model/raw-schema.ts';
import { checkAggregate, checkProjection, checkTypes } from './check-documents.ts';
import { checkDuplicateGlobals } from './check-names.ts';
import { checkReadModel, checkReadModelNames, type ReadModelName } from './check-read-model.ts';
import { usablePart, validateAgainstMetaSchema } from './meta-schema.ts';

/**
 * Validates loaded schema files in two layers and returns every error found, sorted by file and
 * position: YAML syntax and duplicate keys (from loading), the meta-schema, then the semantic
 * checks (names, types, references, versions, upcasts, defaults, duplicates across files).
 * Semantic checks also run on the rest of a file that failed the meta-schema (its offending
 * nodes left out), and names from every file count, so one broken key does not hide other
 * errors or make other files report unknown names.
 *
 * @example
 * const diagnostics = validateSchemas(loadSchemas(root, 'schemas'));
 * if (diagnostics.length > 0) // report them and stop
 */
export function validateSchemas(loaded: LoadedSchemas): Diagnostic[] {
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const parsed = loaded.sources.filter((s) => s.value !== undefined);
  const checkable: { source: SourceFile; doc: RawDoc }[] = [];
  for (const source of parsed) {
    const found = validateAgainstMetaSchema(source);
    diagnostics.push(...found);
    const doc = found.length === 0 ? source.value : usablePart(source.value);
    if (doc !== undefined) checkable.push({ source, doc: doc as RawDoc });
  }
  const symbols = new SymbolTable(parsed);
  checkDuplicateGlobals(symbols, (symbol, message, hint) => {
    diagnostics.push(symbol.source.diagnostic(symbol.path, symbol.anchor, 'duplicate-name', message, hint));
  });
  const readModels: ReadModelName[] = [];
  for (const { source, doc } of checkable) {
    const ctx = createCheckContext(source, symbols, diagnostics);
    if (doc.kind === 'aggregate') checkAggregate(ctx, doc);
    else if (doc.kind === 'projection') {
      checkProjection(ctx, doc);
      if (doc.readModel) {
        checkReadModel(ctx, doc.readModel);
        readModels.push({ ctx, projection: doc.name, table: doc.readModel.name });
      }
    } else checkTypes(ctx, doc.types);
  }
  checkReadModelNames(readModels);
  return sortDiagnostics(diagnostics);
}
