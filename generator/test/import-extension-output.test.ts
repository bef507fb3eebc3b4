import { readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportExtension } from '../config/import-extension.ts';
import { defaultOptions, emitFirstBuild, loadModel, writeTree } from './emit-harness.ts';

const REPO = join(import.meta.dirname, '..', '..');
const BASIC = join(import.meta.dirname, 'fixtures', 'basic');
// Inside the repository, so the generated code's `@es-gen/runtime` resolves to the package itself.
const TMP = join(REPO, '.tmp', `import-extension-${process.pid}-${Date.now()}`);
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** The strictest options a user might compile generated code with, without skipLibCheck. */
const STRICT: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitReturns: true,
  noImplicitOverride: true,
  skipLibCheck: false,
  declaration: true,
  types: ['node'],
  customConditions: ['es-gen-source'],
};

const ROOT_DIR_ERROR = 6059;
const UNUSED_ERROR = 6133;

/** Writes the basic fixture's first build with `extension` and compiles it; problems and output of the project's own files. */
function build(name: string, extension: ImportExtension, options: ts.CompilerOptions) {
  const root = join(TMP, name);
  const files = emitFirstBuild(loadModel(BASIC), defaultOptions(root, { importExtension: extension }));
  writeTree(root, files);
  const roots = files.filter((f) => f.path.endsWith('.ts')).map((f) => join(root, f.path));
  const program = ts.createProgram(roots, {
    ...STRICT,
    ...options,
    rootDir: join(root, 'src'),
    outDir: join(root, 'dist'),
  });
  const outputs = new Map<string, string>();
  program.emit(undefined, (file, text) => {
    if (file.startsWith(`${root}/`)) outputs.set(relative(root, file), text);
  });
  const own = (d: ts.Diagnostic) =>
    (d.file === undefined || d.file.fileName.startsWith(`${root}/`)) &&
    // The runtime is resolved to its sources here (es-gen-source), outside rootDir; a user's resolves to dist.
    d.code !== ROOT_DIR_ERROR &&
    // Stubs keep their parameters for the code the user writes; until then they are unused.
    !(d.code === UNUSED_ERROR && d.file?.fileName.startsWith(`${root}/src/domain/`));
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter(own)
    .map(
      (d) =>
        `${d.file ? relative(root, d.file.fileName) : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
  const specifiers = files.flatMap((f) =>
    f.path.endsWith('.ts') ? [...f.content.matchAll(/from '(\.{1,2}\/[^']*)'/g)].map((m) => m[1]) : [],
  );
  return { files, problems, outputs, specifiers, root };
}

describe('generated and user-owned code with each import extension', { timeout: 180_000 }, () => {
  it('.js: compiles under NodeNext and the strictest flags, and tsc writes validators.js', () => {
    const out = build('js', '.js', {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
    });
    expect(out.specifiers.length).toBeGreaterThan(5);
    for (const specifier of out.specifiers) expect(specifier).toMatch(/\.js$/);
    expect(out.files.some((f) => f.path.endsWith('.mjs') || f.path.endsWith('.mts'))).toBe(false);
    expect(out.problems).toEqual([]);
    expect([...out.outputs.keys()]).toEqual(
      expect.arrayContaining([
        'dist/generated/validators.js',
        'dist/generated/validators.d.ts',
        'dist/domain/order.js',
      ]),
    );
    const declarations = out.outputs.get('dist/generated/validators.d.ts') ?? '';
    expect(declarations).toContain('export declare const validateOrderPlacedV3: AjvValidateFunction;');
    const validators = readFileSync(join(out.root, 'src/generated/validators.ts'), 'utf8');
    expect(validators).toMatch(/^import \{ ajvFormats, ucs2length \} from '@es-gen\/runtime';$/m);
    expect(validators).not.toMatch(/from '(?!@es-gen\/runtime')/);
  });

  it('none: compiles under bundler resolution with extensionless imports', () => {
    const out = build('none', '', {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      // Library declarations were checked in the .js case; this one is about the imports.
      skipLibCheck: true,
    });
    expect(out.specifiers.length).toBeGreaterThan(5);
    for (const specifier of out.specifiers) expect(specifier).not.toMatch(/\.(ts|js|mjs)$/);
    expect(out.specifiers).toContain('../generated/index');
    expect(out.problems).toEqual([]);
  });
});
