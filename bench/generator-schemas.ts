/**
 * A synthetic schema set for the generator benchmark: `aggregates` aggregates with
 * `eventsPerAggregate` events each (every third event has two versions with an `add` upcast),
 * three commands and a four-field state per aggregate, shared named types and one projection per
 * ten aggregates.
 */
export function syntheticSchemas(aggregates: number, eventsPerAggregate: number): Record<string, string> {
  const files: Record<string, string> = {
    'types.yaml': [
      'kind: types',
      'types:',
      '  Line:',
      '    fields:',
      '      sku: { type: string, minLength: 1 }',
      '      quantity: { type: integer, minimum: 1 }',
      '      price: decimal',
      '  Level:',
      '    enum: [low, medium, high]',
      '',
    ].join('\n'),
  };
  for (let a = 0; a < aggregates; a++) files[`aggregates/agg-${a}.yaml`] = aggregate(a, eventsPerAggregate);
  for (let p = 0; p < aggregates / 10; p++) {
    const handles = Array.from({ length: 10 }, (_, i) => `A${p * 10 + i}Event0`);
    files[`projections/view-${p}.yaml`] =
      `kind: projection\nname: View${p}\nhandles: [${handles.join(', ')}]\ncheckpoint: true\n`;
  }
  return files;
}

function eventYaml(a: number, e: number): string[] {
  const name = `A${a}Event${e}`;
  const v1 = [
    '          id: uuid',
    '          at: datetime',
    '          lines: Line[]',
    '          level: Level',
    `          note${e}: string?`,
  ];
  if (e % 3 !== 0) {
    return [`  ${name}:`, '    fields:', ...v1.map((l) => l.slice(4))];
  }
  return [
    `  ${name}:`,
    '    versions:',
    '      - version: 1',
    '        fields:',
    ...v1,
    '      - version: 2',
    '        fields:',
    ...v1,
    '          amount: { type: number, minimum: 0, default: 0 }',
    '        upcast:',
    '          add: { amount: 0 }',
  ];
}

function aggregate(a: number, events: number): string {
  const lines = [
    'kind: aggregate',
    `name: Agg${a}`,
    `description: Synthetic aggregate ${a}.`,
    'state:',
    '  level: Level',
    '  count: integer',
    '  lines: Line[]',
    '  updatedAt: datetime?',
    'commands:',
  ];
  for (let c = 0; c < 3; c++) {
    lines.push(`  A${a}Command${c}:`);
    if (c === 0) lines.push('    creates: true');
    lines.push('    fields: { id: uuid, lines: "Line[]", level: Level }', `    emits: [A${a}Event${c}]`);
  }
  lines.push('events:');
  for (let e = 0; e < events; e++) lines.push(...eventYaml(a, e));
  return `${lines.join('\n')}\n`;
}
