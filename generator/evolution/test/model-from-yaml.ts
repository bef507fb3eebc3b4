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

/**
 * An `Order` aggregate whose `OrderPlaced` has a version 2 with a required `currency`, reached
 * from version 1 by `upcast` (YAML flow text; by default one that adds `USD`).
 */
export function orderWithCurrency(upcast = '{ add: { currency: USD } }'): string {
  return `kind: aggregate
name: Order
events:
  OrderPlaced:
    versions:
      - version: 1
        fields: { total: number }
      - version: 2
        fields: { total: number, currency: string }
        upcast: ${upcast}
`;
}
