import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveImportExtension } from '../../config/import-extension.ts';
import { TempProject } from '../../write/test/project.ts';
import { runCli } from '../test/run-cli.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject('es-gen-init-');
});
afterEach(() => project.dispose());

describe('es-gen init', { timeout: 60_000 }, () => {
  it('writes tsconfig.json and package.json with the es-gen scripts, and the build then uses .js imports', async () => {
    const init = await runCli(project.root, 'init');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('created tsconfig.json\n');
    expect(init.stdout).toContain('created package.json\n');
    const tsconfig = JSON.parse(project.read('tsconfig.json')) as {
      compilerOptions: Record<string, unknown>;
    };
    expect(tsconfig.compilerOptions).toMatchObject({
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      verbatimModuleSyntax: true,
      outDir: 'dist',
      rootDir: 'src',
    });
    const pkg = JSON.parse(project.read('package.json')) as Record<string, unknown>;
    expect(pkg).toMatchObject({
      type: 'module',
      scripts: { 'es-gen:build': 'es-gen build', 'es-gen:check': 'es-gen check' },
    });
    expect(pkg['name']).toMatch(/^es-gen-init-/);
    expect(resolveImportExtension(project.root, 'auto')).toBe('.js');

    expect((await runCli(project.root, 'build')).code).toBe(0);
    expect(project.read('src/domain/order.ts')).toContain("from '../generated/index.js';");
    expect(project.read('src/generated/registry.ts')).toContain("} from './validators.js';");
  });

  it('never overwrites an existing tsconfig.json, package.json or script, and says what it skipped', async () => {
    project.write('tsconfig.json', '{ "compilerOptions": { "moduleResolution": "bundler" } }\n');
    project.write('package.json', '{\n    "name": "mine",\n    "scripts": { "es-gen:build": "custom" }\n}\n');
    const init = await runCli(project.root, 'init');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('skipped tsconfig.json: it exists');
    expect(init.stdout).toContain('added script es-gen:check to package.json');
    expect(init.stdout).toContain('skipped script es-gen:build in package.json: it exists');
    expect(project.read('tsconfig.json')).toBe('{ "compilerOptions": { "moduleResolution": "bundler" } }\n');
    expect(JSON.parse(project.read('package.json'))).toEqual({
      name: 'mine',
      scripts: { 'es-gen:build': 'custom', 'es-gen:check': 'es-gen check' },
    });
    expect(project.read('package.json')).toMatch(/^\{\n {4}"name"/);
    expect(existsSync(join(project.root, 'es-gen.config.yaml'))).toBe(true);
    expect(readFileSync(join(project.root, 'es-gen.config.yaml'), 'utf8')).toContain('importExtension: auto');
  });
});
