import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAMPLE_AGGREGATE, SAMPLE_PROJECTION } from '../cli/sample-schemas.ts';
import { SourceFile } from '../load/source-file.ts';
import { metaSchemaPath } from '../package-info.ts';
import { usablePart, validateAgainstMetaSchema } from './meta-schema.ts';

type SchemaNode = { [key: string]: unknown };

/** Every `properties` entry and definition of the meta-schema, with its JSON path. */
function describedNodes(node: unknown, path: string, out: [string, SchemaNode][]): [string, SchemaNode][] {
  if (typeof node !== 'object' || node === null) return out;
  const schema = node as SchemaNode;
  for (const group of ['properties', 'definitions'] as const) {
    const children = schema[group] as Record<string, unknown> | undefined;
    for (const [name, child] of Object.entries(children ?? {})) {
      out.push([`${path}/${group}/${name}`, child as SchemaNode]);
      describedNodes(child, `${path}/${group}/${name}`, out);
    }
  }
  for (const key of ['items', 'additionalProperties']) {
    if (typeof schema[key] === 'object') describedNodes(schema[key], `${path}/${key}`, out);
  }
  return out;
}

describe('the meta-schema', () => {
  const schema = JSON.parse(readFileSync(metaSchemaPath(), 'utf8')) as SchemaNode;

  it('is a draft-07 schema with a description on every key', () => {
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    const nodes = describedNodes(schema, '#', []);
    expect(nodes.length).toBeGreaterThan(50);
    const undescribed = nodes
      .filter(([, node]) => typeof node['description'] !== 'string' && typeof node['$ref'] !== 'string')
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it('accepts the sample schemas that es-gen init writes', () => {
    for (const text of [SAMPLE_AGGREGATE, SAMPLE_PROJECTION]) {
      expect(validateAgainstMetaSchema(SourceFile.parse('schemas/x.yaml', text))).toEqual([]);
    }
  });

  it('keeps the valid rest of a document with errors for the semantic checks', () => {
    const value = {
      kind: 'aggregate',
      name: 'Order',
      snapshot: { every: 0 },
      events: { A: 5, B: { retired: 'yes' } },
    };
    expect(usablePart(value)).toEqual({ kind: 'aggregate', name: 'Order', events: { A: null, B: {} } });
    expect(usablePart({ name: 'NoKind' })).toBeUndefined();
    expect(usablePart({ kind: 'projection', name: 'P', handles: [1] })).toBeUndefined();
  });
});
