/**
 * The files `es-gen init` scaffolds: a config with the defaults and a sample aggregate and
 * projection that build as they are.
 */

/** The `$schema` comment that lets editors (yaml-language-server) validate and complete schema files. */
export function schemaComment(metaSchemaPath: string): string {
  return `# yaml-language-server: $schema=${metaSchemaPath}\n`;
}

/** `es-gen.config.yaml` with every key at its default. */
export const SAMPLE_CONFIG = `# es-gen configuration; paths are relative to this file. These are the defaults.
schemas: schemas          # the YAML schemas
output: src/generated     # generated code, rewritten by every build
domain: src/domain        # user-owned files, created once
runtime: '@es-gen/runtime'   # import path of the runtime in generated code
importExtension: auto     # .ts | .js | none in relative imports; auto reads tsconfig.json
`;

/** A sample aggregate schema (`schemas/order.yaml`). */
export const SAMPLE_AGGREGATE = `kind: aggregate
name: Order
description: A customer's order.
snapshot: { every: 100, version: 1 }
types:
  OrderLine:
    fields:
      sku: string
      quantity: { type: integer, minimum: 1 }
      unitPrice: number
  OrderStatus:
    enum: [draft, placed, shipped, cancelled]
state:
  status: OrderStatus
  customerId: uuid?
  lines: OrderLine[]
  total: number
commands:
  PlaceOrder:
    creates: true
    fields:
      customerId: uuid
      lines: OrderLine[]
    emits: [OrderPlaced]
  ShipOrder:
    fields: { trackingNumber: string }
    emits: [OrderShipped]
events:
  OrderShipped:
    fields: { trackingNumber: string }
  OrderPlaced:
    versions:
      - version: 1
        fields:
          customerId: uuid
          lines: OrderLine[]
          total: number
      - version: 2
        fields:
          customerId: uuid
          lines: OrderLine[]
          total: number
          currency: { type: string, default: USD }
        upcast:
          add: { currency: USD }
`;

/** A sample projection schema (`schemas/projections/order-summary.yaml`). */
export const SAMPLE_PROJECTION = `kind: projection
name: OrderSummary
description: One row per order with its status and total.
handles: [OrderPlaced, OrderShipped]
checkpoint: true
retries: 3
`;
