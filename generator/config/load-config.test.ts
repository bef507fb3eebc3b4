import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diagnosticLine } from '../load/diagnostic.ts';
import { ConfigNotFoundError, loadConfig } from './load-config.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'es-gen-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function errorsOf(text: string): string[] {
  writeFileSync(join(dir, 'es-gen.config.yaml'), text);
  const loaded = loadConfig({ cwd: dir });
  expect(loaded.config).toBeUndefined();
  return loaded.diagnostics.map(diagnosticLine);
}

describe('loadConfig', () => {
  it('uses the defaults with the current folder as root when there is no config file', () => {
    expect(loadConfig({ cwd: dir })).toEqual({
      config: {
        projectRoot: dir,
        schemasDir: 'schemas',
        outputDir: 'src/generated',
        domainDir: 'src/domain',
        runtimeImport: '@es-gen/runtime',
        importExtension: 'auto',
      },
      diagnostics: [],
    });
  });

  it('reads the keys, normalizes folders and treats an empty file as the defaults', () => {
    writeFileSync(join(dir, 'es-gen.config.yaml'), 'schemas: ./yaml/\noutput: gen\nruntime: "#runtime"\n');
    expect(loadConfig({ cwd: dir }).config).toMatchObject({
      schemasDir: 'yaml',
      outputDir: 'gen',
      domainDir: 'src/domain',
      runtimeImport: '#runtime',
      configFile: join(dir, 'es-gen.config.yaml'),
    });
    writeFileSync(join(dir, 'es-gen.config.yaml'), '# all defaults\n');
    expect(loadConfig({ cwd: dir }).config?.outputDir).toBe('src/generated');
  });

  it('finds a config given with --config and makes its folder the project root', () => {
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'custom.yaml'), 'domain: domain\n');
    const { config } = loadConfig({ cwd: dir, configPath: 'app/custom.yaml' });
    expect(config).toMatchObject({ projectRoot: join(dir, 'app'), domainDir: 'domain' });
    writeFileSync(join(dir, 'app', 'es-gen.config.yaml'), 'output: out\n');
    expect(loadConfig({ cwd: dir, configPath: 'app' }).config).toMatchObject({
      projectRoot: join(dir, 'app'),
      outputDir: 'out',
    });
  });

  it('throws ConfigNotFoundError when --config names a missing file', () => {
    expect(() => loadConfig({ cwd: dir, configPath: 'nope.yaml' })).toThrow(ConfigNotFoundError);
    expect(() => loadConfig({ cwd: dir, configPath: 'nope.yaml' })).toThrow(
      'config file nope.yaml does not exist; run `es-gen init` to create one or fix the --config path',
    );
  });

  it('reports unknown keys with their position and a suggestion, and every error at once', () => {
    expect(errorsOf('schemas: schemas\noutptu: gen\nruntime: 3\nzzz: 1\n')).toEqual([
      'es-gen.config.yaml:2:1: unknown config key `outptu`; did you mean `output`?',
      'es-gen.config.yaml:3:10: `runtime` must be a non-empty string, found the integer 3; the default is `@es-gen/runtime`',
      'es-gen.config.yaml:4:1: unknown config key `zzz`; the keys are `schemas`, `output`, `domain`, `runtime`, `importExtension`',
    ]);
  });

  it('reads importExtension and names the allowed values when it is wrong', () => {
    for (const value of ['auto', '.ts', '.js', 'none']) {
      writeFileSync(join(dir, 'es-gen.config.yaml'), `importExtension: ${value}\n`);
      expect(loadConfig({ cwd: dir }).config?.importExtension).toBe(value);
    }
    expect(errorsOf('importExtension: ts\n')).toEqual([
      'es-gen.config.yaml:1:18: `importExtension` must be one of `auto`, `.ts`, `.js`, `none`, found the string `ts`; did you mean `.ts`?',
    ]);
    expect(errorsOf('importExtension: .mjs\n')).toEqual([
      'es-gen.config.yaml:1:18: `importExtension` must be one of `auto`, `.ts`, `.js`, `none`, found the string `.mjs`; did you mean `.js`?',
    ]);
  });

  it('reports folders outside the project, overlapping folders and duplicate keys', () => {
    expect(errorsOf('schemas: ../elsewhere\noutput: src\ndomain: src/domain\n')).toEqual([
      'es-gen.config.yaml:1:10: `schemas` (../elsewhere) is outside the project folder; give a folder inside the folder of the config file',
      'es-gen.config.yaml:3:9: `domain` (src/domain) and `output` (src) must not overlap; keep user-owned code apart from generated code',
    ]);
    expect(errorsOf('output: .\n')).toEqual([
      'es-gen.config.yaml:1:9: `output` must be a subfolder, not the project folder itself; e.g. `src/generated`',
    ]);
    expect(errorsOf('output: a\noutput: b\n')).toEqual([
      'es-gen.config.yaml:2:1: duplicate key `output`; each key may appear once in a map; remove or rename one of them',
    ]);
    expect(errorsOf('- schemas\n')).toEqual([
      'es-gen.config.yaml:1:1: the config must be a map of keys, found a list; use the keys `schemas`, `output`, `domain`, `runtime`, `importExtension`',
    ]);
  });
});
