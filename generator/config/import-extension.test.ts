import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveImportExtension, TsconfigReadError } from './import-extension.ts';
import { parseJsonc } from './read-jsonc.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'es-gen-import-ext-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

describe('resolveImportExtension', () => {
  it('uses an explicit setting as it is', () => {
    write('tsconfig.json', '{ "compilerOptions": { "allowImportingTsExtensions": true } }');
    expect(resolveImportExtension(dir, '.js')).toBe('.js');
    expect(resolveImportExtension(dir, '.ts')).toBe('.ts');
    expect(resolveImportExtension(dir, 'none')).toBe('');
  });

  it('auto: .js without a tsconfig and for NodeNext', () => {
    expect(resolveImportExtension(dir, 'auto')).toBe('.js');
    write('tsconfig.json', '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext" } }');
    expect(resolveImportExtension(dir, 'auto')).toBe('.js');
  });

  it('auto: .ts when .ts imports are allowed or rewritten, read through comments and trailing commas', () => {
    write(
      'tsconfig.json',
      '{\n  // editors write these\n  "compilerOptions": {\n    /* c */ "allowImportingTsExtensions": true,\n  },\n}\n',
    );
    expect(resolveImportExtension(dir, 'auto')).toBe('.ts');
    write('tsconfig.json', '{ "compilerOptions": { "rewriteRelativeImportExtensions": true, } }');
    expect(resolveImportExtension(dir, 'auto')).toBe('.ts');
  });

  it('auto: no extension for bundler resolution, in any case', () => {
    write('tsconfig.json', '{ "compilerOptions": { "module": "ESNext", "moduleResolution": "Bundler" } }');
    expect(resolveImportExtension(dir, 'auto')).toBe('');
  });

  it('auto: follows a relative extends chain, the extending file winning', () => {
    write('config/base.json', '{ "compilerOptions": { "moduleResolution": "bundler" } }');
    write('config/strict.json', '{ "extends": "./base", "compilerOptions": { "strict": true } }');
    write('tsconfig.json', '{ "extends": "./config/strict.json" }');
    expect(resolveImportExtension(dir, 'auto')).toBe('');
    write(
      'tsconfig.json',
      '{ "extends": ["./config/strict.json"], "compilerOptions": { "moduleResolution": "node16" } }',
    );
    expect(resolveImportExtension(dir, 'auto')).toBe('.js');
  });

  it('auto: names the file, the position and the fix when tsconfig.json cannot be parsed', () => {
    write(
      'tsconfig.json',
      '{\n  "compilerOptions": {\n    "strict": true\n    "module": "NodeNext"\n  }\n}\n',
    );
    expect(() => resolveImportExtension(dir, 'auto')).toThrow(TsconfigReadError);
    expect(() => resolveImportExtension(dir, 'auto')).toThrow(
      /^tsconfig\.json:4:5: .*; fix the file, or set `importExtension` \(\.ts, \.js or none\) in es-gen\.config\.yaml$/,
    );
    write('tsconfig.json', '{ "extends": "./missing.json" }');
    expect(() => resolveImportExtension(dir, 'auto')).toThrow('extends ./missing.json, which does not exist');
  });
});

describe('parseJsonc', () => {
  it('keeps comment markers and commas inside strings', () => {
    expect(parseJsonc('{ "a": "x // y, }", "b": "/* z */", }')).toEqual({ a: 'x // y, }', b: '/* z */' });
  });
});
