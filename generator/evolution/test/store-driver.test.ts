import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isEvolutionInputError } from '../errors.ts';
import { loadStoreDriver } from '../store-scan/store-driver.ts';
import { openStoreSource } from '../store-scan/store-source.ts';

/**
 * A fresh project folder outside the repository, so only its own node_modules can serve it (one
 * per test: Node caches what a folder's require resolved).
 */
const root = mkdtempSync(join(tmpdir(), 'es-gen-store-driver-'));
let projects = 0;
function newProject(): string {
  const dir = join(root, `project-${++projects}`);
  mkdirSync(dir);
  return dir;
}

/** Installs a stand-in package `name` whose module runs `body` in `project`. */
function fakePackage(project: string, name: string, body: string): void {
  const dir = join(project, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), body);
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadStoreDriver', () => {
  it("loads the project's own copy of a driver first", () => {
    const project = newProject();
    fakePackage(project, 'pg', "module.exports = { from: 'project' };\n");
    expect(loadStoreDriver('pg', project, 'the store')).toEqual({ from: 'project' });
  });

  it("falls back to es-gen's own copy when the project has none", () => {
    const pg = loadStoreDriver<{ Client?: unknown }>('pg', newProject(), 'the store');
    expect(typeof pg.Client).toBe('function');
  });

  it('names the package to install when neither has it', () => {
    const project = newProject();
    let caught: unknown;
    try {
      loadStoreDriver('es-gen-no-such-driver', project, 'the SQLite event store app.db');
    } catch (error) {
      caught = error;
    }
    expect(isEvolutionInputError(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      `cannot read the SQLite event store app.db: it needs the "es-gen-no-such-driver" package, which is not installed in ${project}; run npm install es-gen-no-such-driver`,
    );
  });

  it('reports a driver that is installed but fails to load, with the cause', () => {
    const project = newProject();
    fakePackage(project, 'es-gen-broken-driver', "throw new Error('built for another Node');\n");
    let caught: unknown;
    try {
      loadStoreDriver('es-gen-broken-driver', project, 'the store');
    } catch (error) {
      caught = error;
    }
    expect(isEvolutionInputError(caught)).toBe(true);
    expect((caught as Error).message).toContain('installed but cannot be loaded: built for another Node');
    expect(((caught as Error).cause as Error).message).toBe('built for another Node');
  });

  it('is what openStoreSource uses, resolving from the given project folder', async () => {
    const project = newProject();
    fakePackage(project, 'better-sqlite3', "throw new Error('project copy loaded');\n");
    await expect(openStoreSource(join(project, 'events.db'), project)).rejects.toThrow('project copy loaded');
  });
});
