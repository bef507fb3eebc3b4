import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../build/build-model.ts';
import { emitGenerated, planUserFiles } from '../emit/index.ts';
import { parseSchemas } from '../load/load-schemas.ts';
import type { SchemaModel } from '../model/ir.ts';
import { defaultOptions, readTree, typeCheck, typeScriptFiles, writeTree } from './emit-harness.ts';

const REPO = join(import.meta.dirname, '..', '..');
const SHOP = join(REPO, 'examples', 'shop');
const options = defaultOptions('/project');

function shopSchemas(): Record<string, string> {
  const files = [
    'order.yaml',
    'customer.yaml',
    'inventory.yaml',
    'types.yaml',
    'projections/order-summary.yaml',
  ];
  return Object.fromEntries(
    files.map((f) => [`schemas/${f}`, readFileSync(join(SHOP, 'schemas', f), 'utf8')]),
  );
}

function model(schemas: Record<string, string>): SchemaModel {
  return buildModel(parseSchemas(schemas).sources);
}

/** True when every character of `original` appears in `updated`, in order, and nothing else moved. */
function isSubsequence(original: string, updated: string): boolean {
  let i = 0;
  for (let j = 0; j < updated.length && i < original.length; j++) if (updated[j] === original[i]) i++;
  return i === original.length;
}

const userFiles: Record<string, string> = {
  'src/domain/order.ts': readFileSync(join(SHOP, 'src/domain/order.ts'), 'utf8'),
  'src/domain/customer.ts': readFileSync(join(SHOP, 'src/domain/customer.ts'), 'utf8'),
  'src/domain/inventory-item.ts': readFileSync(join(SHOP, 'src/domain/inventory-item.ts'), 'utf8'),
  'src/domain/projections/order-summary.ts': readFileSync(
    join(SHOP, 'src/domain/projections/order-summary.ts'),
    'utf8',
  ),
  'src/domain/upcasters.ts': readFileSync(join(SHOP, 'src/domain/upcasters.ts'), 'utf8'),
};
const read = (files: Record<string, string>) => (path: string) => files[path];

describe('user-owned files', () => {
  it('plans nothing when every stub is already there', () => {
    const plan = planUserFiles(model(shopSchemas()), options, read(userFiles));
    expect(plan).toEqual({ creates: [], updates: [], orphans: [] });
  });

  it('creates a missing file from its template with every stub', () => {
    const { ['src/domain/customer.ts']: _, ...rest } = userFiles;
    const plan = planUserFiles(model(shopSchemas()), options, read(rest));
    expect(plan.updates).toEqual([]);
    expect(plan.creates.map((f) => f.path)).toEqual(['src/domain/customer.ts']);
    const text = plan.creates[0]!.content;
    expect(text).toContain('export class Customer extends CustomerBase {');
    expect(text).toContain(
      "throw new Error('Customer.registerCustomer is not implemented: handle the RegisterCustomer command",
    );
    expect(text).toContain(
      'protected override applyCustomerEmailChanged(event: CustomerEmailChangedEvent): void {',
    );
  });

  it('inserts stubs for a new command, event, handled event and custom upcast without touching any existing byte', () => {
    const schemas = shopSchemas();
    schemas['schemas/order.yaml'] = schemas['schemas/order.yaml']!.replace(
      'commands:\n',
      'commands:\n  AddNote:\n    fields: { note: string }\n    emits: [OrderNoteAdded]\n',
    ).replace(
      'events:\n',
      'events:\n  OrderNoteAdded:\n    versions:\n      - version: 1\n        fields: { text: string }\n      - version: 2\n        fields: { note: string }\n        upcast: { custom: true }\n',
    );
    schemas['schemas/projections/order-summary.yaml'] = schemas[
      'schemas/projections/order-summary.yaml'
    ]!.replace('handles: [', 'handles: [OrderNoteAdded, ');
    const plan = planUserFiles(model(schemas), options, read(userFiles));
    expect(plan.creates).toEqual([]);
    expect(plan.updates.map((u) => u.path)).toEqual([
      'src/domain/order.ts',
      'src/domain/projections/order-summary.ts',
      'src/domain/upcasters.ts',
    ]);
    for (const update of plan.updates) {
      const original = userFiles[update.path]!;
      expect(isSubsequence(original, update.content), update.path).toBe(true);
      // Insertions only: the file starts and ends as it did.
      expect(update.content.slice(0, 6)).toBe(original.slice(0, 6));
      expect(update.content.endsWith('}\n')).toBe(original.endsWith('}\n'));
    }
    const [order, summary, upcasters] = plan.updates;
    expect(order!.insertions).toEqual([
      'Order.addNote()',
      'Order.applyOrderNoteAdded()',
      'import type { AddNoteCommand, OrderNoteAddedEvent }',
    ]);
    expect(order!.content).toContain(
      '  ShipOrderCommand,\n  AddNoteCommand,\n  OrderNoteAddedEvent,\n} from',
    );
    expect(order!.content).toContain(
      "  override addNote(command: AddNoteCommand): void {\n    throw new Error('Order.addNote is not implemented",
    );
    expect(order!.content.endsWith('  }\n}\n')).toBe(true);
    expect(summary!.insertions).toEqual([
      'OrderSummaryProjection.onOrderNoteAdded()',
      'import type { OrderNoteAddedStoredEvent }',
    ]);
    // A read-model projection's stub takes the typed writer, already imported for the other handlers.
    expect(summary!.content).toContain(
      '  protected override onOrderNoteAdded(event: OrderNoteAddedStoredEvent, rows: OrderSummaryWriter): void {',
    );
    expect(upcasters!.insertions).toEqual([
      'upcastOrderNoteAddedV1ToV2()',
      'import type { OrderNoteAddedV1Data, OrderNoteAddedV2Data }',
    ]);
    expect(upcasters!.content).toContain(
      'export function upcastOrderNoteAddedV1ToV2(data: OrderNoteAddedV1Data, event: DomainEvent): OrderNoteAddedV2Data {',
    );

    // A second build on the updated files has nothing left to add.
    const after = { ...userFiles, ...Object.fromEntries(plan.updates.map((u) => [u.path, u.content])) };
    expect(planUserFiles(model(schemas), options, read(after)).updates).toEqual([]);
  });

  it('adds a new type import line when the file has no type import from the generated index', () => {
    const file =
      "import { OrderBase } from '../generated/index.ts';\n\nexport class Order extends OrderBase {}\n";
    const plan = planUserFiles(
      model(shopSchemas()),
      options,
      read({ ...userFiles, 'src/domain/order.ts': file }),
    );
    const update = plan.updates.find((u) => u.path === 'src/domain/order.ts')!;
    expect(isSubsequence(file, update.content)).toBe(true);
    expect(
      update.content.startsWith(
        "import { OrderBase } from '../generated/index.ts';\nimport type { CancelOrderCommand,",
      ),
    ).toBe(true);
    expect(update.insertions).toContain('Order.applyOrderPlaced()');
  });
});

describe('a command added to the YAML of a project whose handlers are written', () => {
  it('gets a stub that compiles under the strict tsconfig and throws an error naming the command', async () => {
    // Inside the repository, so the generated code's `@es-gen/runtime` resolves to the package itself.
    const root = join(REPO, '.tmp', `stub-insertion-${process.pid}-${Date.now()}`);
    try {
      const schemas = Object.fromEntries(
        [...readTree(join(SHOP, 'schemas')).entries()].map(([path, text]) => [`schemas/${path}`, text]),
      );
      schemas['schemas/order.yaml'] = schemas['schemas/order.yaml']!.replace(
        'commands:\n',
        'commands:\n  RefundOrder:\n    description: Pays the customer back.\n    fields: { amount: decimal, reason: string? }\n    emits: [OrderRefunded]\n',
      ).replace('events:\n', 'events:\n  OrderRefunded:\n    fields: { amount: decimal, reason: string? }\n');
      const options = defaultOptions(root);
      const changed = model(schemas);
      const written = [...readTree(join(SHOP, 'src', 'domain')).entries()].map(([path, content]) => ({
        path: `src/domain/${path}`,
        content,
      }));
      const plan = planUserFiles(changed, options, (path) => written.find((f) => f.path === path)?.content);
      expect(plan.creates).toEqual([]);
      expect(plan.updates.map((u) => u.path)).toEqual(['src/domain/order.ts']);
      expect(plan.updates[0]!.insertions).toEqual([
        'Order.refundOrder()',
        'Order.applyOrderRefunded()',
        'import type { OrderRefundedEvent, RefundOrderCommand }',
      ]);
      const userFiles = written.map((f) => plan.updates.find((u) => u.path === f.path) ?? f);
      // The user's file as it was, beside the updated one: the compiler names what it lacks.
      const before = {
        path: 'src/domain/order-without-stubs.ts',
        content: written.find((f) => f.path === 'src/domain/order.ts')!.content,
      };
      writeTree(root, [
        ...emitGenerated(changed, options),
        ...userFiles.map(({ path, content }) => ({ path, content })),
        before,
      ]);

      const classLine = before.content.split('\n').findIndex((l) => l.startsWith('export class Order ')) + 1;
      const problems = typeCheck(typeScriptFiles(join(root, 'src')));
      expect(problems).toEqual([
        `${join(root, 'src/domain/order-without-stubs.ts')}:${classLine} Non-abstract class 'Order' is missing implementations for the following members of 'OrderBase': 'refundOrder', 'applyOrderRefunded'.`,
      ]);

      const { Order } = (await import(join(root, 'src', 'domain', 'order.ts'))) as {
        Order: new (id: string) => { refundOrder(command: { amount: string }): void };
      };
      expect(() => new Order('o-1').refundOrder({ amount: '1.00' })).toThrow(
        'Order.refundOrder is not implemented: handle the RefundOrder command in src/domain/order.ts',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
