import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventModel, SchemaModel } from '../model/ir.ts';
import { loadModel } from '../test/emit-harness.ts';
import { aggregateDiagram, eventLineageDiagram, projectionDiagram, systemDiagram } from './diagrams.ts';
import { mermaidLabel } from './mermaid.ts';
import { renderDocs } from './render-docs.ts';

const SHOP = join(import.meta.dirname, '..', '..', 'examples', 'shop');
const loc = { file: 'schemas/x.yaml', line: 1, column: 1 };

/** Every statement line of a flowchart must be one of the forms es-gen writes. */
const STATEMENT = [
  /^flowchart LR$/,
  /^accTitle: [^\n]+$/,
  /^subgraph [A-Z]\d+\["[^"]*"\]$/,
  /^end$/,
  /^[A-Z][A-Z0-9]*(\["[^"]*"\]|\(\["[^"]*"\]\)|\[\("[^"]*"\)\]|\[\["[^"]*"\]\]):::(command|event|retired|state|projection)$/,
  /^[A-Z][A-Z0-9]* (-->|-\.->)(\|"[^"]*"\|)? [A-Z][A-Z0-9]*$/,
  /^classDef (command|event|retired|state|projection) [a-z:#0-9, -]+$/,
];

function expectWellFormed(source: string): void {
  for (const line of source.split('\n')) {
    const statement = line.trim();
    expect(
      STATEMENT.some((form) => form.test(statement)),
      `unexpected Mermaid line: ${statement}`,
    ).toBe(true);
  }
}

describe('mermaidLabel', () => {
  it('quotes the label and writes the characters Mermaid reads as entity codes', () => {
    expect(mermaidLabel('add note = "a [b] (c) {d} <e> & f | g; #h `i`"')).toBe(
      '"add note = #quot;a #91;b#93; #40;c#41; #123;d#125; #lt;e#gt; #amp; f #124; g#59; #35;h #96;i#96;#quot;"',
    );
  });

  it('leaves keywords such as end alone (they are safe inside quotes) and joins lines', () => {
    expect(mermaidLabel('end\nsubgraph')).toBe('"end subgraph"');
  });
});

describe('diagrams of the shop example', () => {
  const model = loadModel(SHOP);
  const order = model.aggregates.find((a) => a.name === 'Order')!;

  it('draws commands to the events they emit, and each event to the state with its same-named fields', () => {
    const { source } = aggregateDiagram(order);
    expectWellFormed(source);
    expect(source).toContain('C1["PlaceOrder"]:::command');
    expect(source).toContain('E1(["OrderPlaced v3"]):::event');
    expect(source).toContain('C1 --> E1');
    expect(source).toContain('E1 -.->|"customerId, lines, amount, currency, channel"| S');
    expect(source).toContain('E2 -.->|"trackingNumber"| S');
    expect(source).toContain('E0 -.-> S');
    expect(source).toContain('classDef command');
    expect(source).not.toContain('classDef projection');
  });

  it('draws an event lineage with every arrow labelled by its upcast', () => {
    const placed = order.events.find((e) => e.name === 'OrderPlaced')!;
    expect(eventLineageDiagram(placed)?.source).toBe(
      [
        'flowchart LR',
        '  accTitle: OrderPlaced: version lineage and upcasts',
        '  V1(["OrderPlaced v1"]):::event',
        '  V2(["OrderPlaced v2"]):::event',
        '  V3(["OrderPlaced v3"]):::event',
        '  V1 -->|"add currency = #quot;USD#quot;"| V2',
        '  V2 -->|"rename total to amount#59; add channel = #quot;web#quot;"| V3',
        '  classDef event fill:#fff1cc,stroke:#b7791f,color:#4a3000',
      ].join('\n'),
    );
    const shipped = order.events.find((e) => e.name === 'OrderShipped')!;
    expect(eventLineageDiagram(shipped)).toBeUndefined();
  });

  it('draws the system: a subgraph per aggregate and an arrow from every handled event to its projection', () => {
    const { source } = systemDiagram(model);
    expectWellFormed(source);
    expect(source).toContain('subgraph A2["Order"]');
    expect(source).toContain('P1[["OrderSummary"]]:::projection');
    const handled = model.projections.flatMap((p) => p.handles).length;
    expect(source.match(/ --> P\d+$/gm)).toHaveLength(handled);
    expect(source).toContain('A0E1 --> P0'); // CustomerRegistered feeds Customers
  });

  it('draws each projection with the events it handles, grouped by aggregate', () => {
    const summary = model.projections.find((p) => p.name === 'Customers')!;
    const { source } = projectionDiagram(summary);
    expectWellFormed(source);
    expect(source).toMatch(
      /subgraph A0\["Customer"\]\n\s+H0\(\["CustomerRegistered"\]\):::event\n\s+H1\(\["CustomerEmailChanged"\]\):::event\n\s+end/,
    );
    expect(source.match(/ --> P$/gm)).toHaveLength(summary.handles.length);
  });

  it('puts every diagram in a mermaid fence of the Markdown pages', () => {
    const files = new Map(renderDocs(model).map((f) => [f.path, f.content]));
    const fences = (path: string) => [...files.get(path)!.matchAll(/```mermaid\n([\s\S]*?)\n```/g)];
    expect(fences('README.md')).toHaveLength(1);
    expect(fences('aggregates/order.md')).toHaveLength(2); // overview + OrderPlaced lineage
    expect(fences('aggregates/customer.md')).toHaveLength(2); // overview + CustomerRegistered lineage
    expect(fences('aggregates/inventory-item.md')).toHaveLength(1);
    expect(fences('projections.md')).toHaveLength(3);
    for (const path of files.keys()) for (const fence of fences(path)) expectWellFormed(fence[1]!);
    expect(files.get('aggregates/order.md')).toContain('do not record which state fields an event changes');
  });
});

describe('diagrams of awkward schemas', () => {
  const event: EventModel = {
    name: 'NoteAdded',
    aggregate: 'Board',
    retired: true,
    loc,
    versions: [
      { version: 1, fields: [], upcast: [], loc },
      {
        version: 2,
        fields: [],
        loc,
        upcast: [
          { op: 'add', values: { note: 'say "end" [now]; #1 <b>|x|' }, loc },
          { op: 'remove', fields: ['draft'], loc },
          { op: 'map', fields: { kind: { a: 'x', b: 'y' } }, loc },
        ],
      },
    ],
  };

  it('escapes upcast values and marks a retired event', () => {
    const { source } = eventLineageDiagram(event)!;
    expectWellFormed(source);
    expect(source).toContain(
      'V1 -->|"add note = #quot;say \\#quot;end\\#quot; #91;now#93;#59; #35;1 #lt;b#gt;#124;x#124;#quot;#59; remove draft#59; map kind #40;2 values#41;"| V2',
    );
    expect(source).toContain('V1(["NoteAdded v1"]):::retired');
  });

  it('draws an aggregate without commands and a system without projections', () => {
    const model: SchemaModel = {
      formatVersion: 1,
      types: [],
      files: ['schemas/board.yaml'],
      projections: [],
      aggregates: [
        {
          name: 'Board',
          file: 'schemas/board.yaml',
          stateVersion: 1,
          state: [],
          commands: [],
          events: [event],
          loc,
        },
      ],
    };
    expectWellFormed(aggregateDiagram(model.aggregates[0]!).source);
    expectWellFormed(systemDiagram(model).source);
    expect(systemDiagram(model).source).not.toContain('-->');
  });
});
