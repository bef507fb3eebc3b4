import { buildModel } from '../../build/build-model.ts';
import { parseSchemas } from '../../load/load-schemas.ts';
import type { SchemaModel } from '../../model/ir.ts';

/**
 * Builds the schema model of YAML files given in memory (path -> text), as `es-gen` does.
 *
 * @example
 * const model = modelFromYaml({ 'schemas/order.yaml': 'kind: aggregate\nname: Order\n…' });
 */
export function modelFromYaml(files: Readonly<Record<string, string>>): SchemaModel {
  const { sources, diagnostics } = parseSchemas(files);
  if (diagnostics.length > 0)
    throw new Error(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n'));
  return buildModel(sources);
}
