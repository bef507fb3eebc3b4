import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregateYaml, TempProject } from '../write/test/project.ts';
import { runCli } from './test/run-cli.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject('es-gen-build-');
});
afterEach(() => project.dispose());

const PROJECTION = 'kind: projection\nname: CartTotals\nhandles: [CartCreated]\n';

describe('es-gen build', { timeout: 60_000 }, () => {
  it('exits 2 writing nothing when there is no config and no schema, and points to es-gen init', async () => {
    const result = await runCli(project.root, 'build');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'es-gen: nothing to build: no es-gen.config.yaml and no schemas/*.yaml in .; run `es-gen init` to create them, or pass --config <path>\n',
    );
    expect(readdirSync(project.root)).toEqual([]);
  });

  it('exits 2 writing nothing when the configured schema folder has no schema', async () => {
    project.write('es-gen.config.yaml', 'schemas: model\n');
    const result = await runCli(project.root, 'build');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'es-gen: nothing to build: no schema files (*.yaml, *.yml) under model/, the `schemas` folder of es-gen.config.yaml',
    );
    expect(readdirSync(project.root)).toEqual(['es-gen.config.yaml']);
  });

  it('lists the user files of a removed aggregate and projection with the fix, and keeps them', async () => {
    project.write('schemas/cart.yaml', aggregateYaml('Cart', ['OpenCart']));
    project.write('schemas/order.yaml', aggregateYaml('Order'));
    project.write('schemas/projections/cart-totals.yaml', PROJECTION);
    project.write('src/domain/pricing.ts', 'export const rate = 1;\n');
    expect((await runCli(project.root, 'build')).code).toBe(0);
    project.remove('schemas/cart.yaml');
    project.remove('schemas/projections/cart-totals.yaml');
    const result = await runCli(project.root, 'build');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      [
        'es-gen: warning: src/domain/cart.ts was created for aggregate Cart, which no schema defines any more, and will not compile against the generated code; delete it, or move what you still need out of it',
        'es-gen: warning: src/domain/projections/cart-totals.ts was created for projection CartTotals, which no schema defines any more, and will not compile against the generated code; delete it, or move what you still need out of it',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(project.root, 'src/domain/cart.ts'))).toBe(true);
    expect(existsSync(join(project.root, 'src/domain/projections/cart-totals.ts'))).toBe(true);
  });

  it('names the user file once for each stub it adds', async () => {
    project.write('schemas/order.yaml', aggregateYaml('Order'));
    expect((await runCli(project.root, 'build')).code).toBe(0);
    project.write('schemas/order.yaml', aggregateYaml('Order', ['ShipOrder']));
    const result = await runCli(project.root, 'build');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('src/domain/order.ts: added stub Order.shipOrder()\n');
    expect(result.stdout).toContain('src/domain/order.ts: added stub import type { ShipOrderCommand }\n');
    expect(result.stdout.match(/src\/domain\/order\.ts/g)).toHaveLength(2);
  });
});
