import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuildOutcome } from '../pipeline.ts';
import { runBuild } from '../pipeline.ts';
import { fakeEmitter } from '../write/test/fake-emitter.ts';
import { aggregateYaml, TempProject } from '../write/test/project.ts';
import type { WatchHandle } from './watch.ts';
import { watchSchemas } from './watch.ts';

let project: TempProject;
let handle: WatchHandle | undefined;
beforeEach(() => {
  project = new TempProject('es-gen-watch-');
});
afterEach(async () => {
  await handle?.close();
  handle = undefined;
  project.dispose();
});

/** Waits until `predicate` holds, polling every 20 ms, failing after `ms`. */
async function until(predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('watchSchemas', () => {
  it('rebuilds after a change, keeps going through a schema error, and rebuilds once it is fixed', async () => {
    project.write('schemas/order.yaml', aggregateYaml('Order'));
    const outcomes: BuildOutcome[] = [];
    const changes: string[][] = [];
    handle = watchSchemas({
      config: project.config,
      debounceMs: 50,
      rebuild: async (changed) => {
        changes.push([...changed]);
        outcomes.push(await runBuild({ config: project.config, emitter: fakeEmitter, version: '1.0.0' }));
      },
    });
    await handle.ready;

    project.write('schemas/cart.yaml', aggregateYaml('Cart'));
    await until(() => outcomes.length === 1, 'the first rebuild');
    expect(changes[0]).toEqual(['schemas/cart.yaml']);
    expect(outcomes[0]?.kind).toBe('built');
    expect(project.read('src/generated/index.ts')).toContain('["Cart","Order"]');

    project.write('schemas/cart.yaml', 'kind: aggregate\nname: Cart\nstate: { total: numbr }\n');
    await until(() => outcomes.length === 2, 'the rebuild with an error');
    expect(outcomes[1]?.kind).toBe('invalid');

    project.write('schemas/cart.yaml', aggregateYaml('Cart', ['OpenCart']));
    await until(() => outcomes.length === 3, 'the rebuild after the fix');
    expect(outcomes[2]?.kind).toBe('built');
    expect(project.read('src/domain/cart.ts')).toContain('// handle OpenCart');
  });

  it('debounces a burst of changes into one rebuild and ignores files outside the schema folder', async () => {
    project.write('schemas/a.yaml', aggregateYaml('A'));
    const changes: string[][] = [];
    handle = watchSchemas({
      config: project.config,
      debounceMs: 300,
      rebuild: async (changed) => {
        changes.push([...changed]);
      },
    });
    await handle.ready;
    project.write('notes/readme.yaml', 'x: 1\n');
    project.write('schemas/a.yaml', aggregateYaml('A', ['Go']));
    project.write('schemas/b.yaml', aggregateYaml('B'));
    project.write('schemas/sub/c.yml', aggregateYaml('C'));
    await until(() => changes.length >= 1, 'a rebuild');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(changes).toEqual([['schemas/a.yaml', 'schemas/b.yaml', 'schemas/sub/c.yml']]);
  });
});
