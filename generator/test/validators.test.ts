import { describe, expect, it, vi } from 'vitest';
import { buildModel } from '../build/build-model.ts';
import { createEmitContext } from '../emit/context.ts';
import { emitValidators } from '../emit/emit-validators.ts';
import { generatedHeader } from '../emit/header.ts';
import { parseSchemas } from '../load/load-schemas.ts';

function model(field: string) {
  return buildModel(
    parseSchemas({
      'schemas/note.yaml': `kind: aggregate
name: Note
types:
  Author: { fields: { name: { type: string, minLength: 1 } } }
state: { text: string }
commands:
  Write: { creates: true, fields: { text: string }, emits: [Written] }
events:
  Written: { fields: { text: string, by: Author, cc: "Author[]", ${field}: string? } }
  Edited: { fields: { text: string, by: Author } }
`,
    }).sources,
  );
}

const options = {
  projectRoot: '/project',
  outputDir: 'src/generated',
  domainDir: 'src/domain',
  runtimeImport: '@es-gen/runtime',
  importExtension: '.ts' as const,
  version: '0.0.0-test',
};

describe('emitValidators', () => {
  it('compiles a named type once, shared by every validator that uses it', () => {
    const m = model('compiled');
    const code = emitValidators(m, createEmitContext(m, options));
    expect(code.match(/"\$id":"urn:es-gen:type:Author"/g)).toHaveLength(1);
    expect(code).toMatch(/^export const validateWrittenV1: AjvValidateFunction = validate\d+;$/m);
    expect(code).toMatch(/^export const validateEditedV1: AjvValidateFunction = validate\d+;$/m);
  });

  it('reuses the module on disk when its fingerprint matches, and reads it only when needed', async () => {
    const m = model('reused');
    const ctx = createEmitContext(m, options);
    let reads = 0;
    const compiled = emitValidators(m, ctx, () => {
      reads++;
      return `${generatedHeader(options.version, 'schemas/note.yaml')}\n// inputs: sha256:00\n\n// stale\n`;
    });
    expect(reads).toBe(1);
    expect(compiled).not.toContain('// stale');
    // Same inputs again in this process: reused from memory, the disk is not read.
    emitValidators(m, createEmitContext(m, { ...options, version: '0.0.0-other' }), () => {
      reads++;
      return undefined;
    });
    expect(reads).toBe(1);
    // A new process (a fresh module) reuses the file on disk as it is when header and fingerprint match.
    vi.resetModules();
    const fresh = (await import('../emit/emit-validators.ts')) as typeof import('../emit/emit-validators.ts');
    const [header, stamp] = compiled.split('\n');
    const onDisk = `${header}\n${stamp}\n\n// compiled by an earlier build\n`;
    expect(fresh.emitValidators(m, ctx, () => onDisk)).toBe(onDisk);
  });
});
