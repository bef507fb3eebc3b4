import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregateYaml, TempProject } from '../../write/test/project.ts';
import { runCli } from '../test/run-cli.ts';

const run = runCli;

const CONFIG = 'schemas: schemas\noutput: src/generated\ndomain: src/domain\n';

describe('es-gen docs', () => {
  let project: TempProject;
  const pages = () => {
    const dir = join(project.root, 'docs', 'schemas');
    return existsSync(dir)
      ? readdirSync(dir, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.md'))
          .sort()
      : [];
  };

  beforeEach(() => {
    project = new TempProject('es-gen-docs-');
    project.write('es-gen.config.yaml', CONFIG);
    project.write('schemas/cart.yaml', aggregateYaml('Cart', ['OpenCart']));
    project.write('schemas/wallet.yaml', aggregateYaml('Wallet'));
  });
  afterEach(() => project.dispose());

  it('writes the pages, then --check finds them up to date', async () => {
    const first = await run(project.root, 'docs');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('3 written, 0 unchanged, 0 removed');
    expect(pages()).toEqual(['README.md', 'aggregates/cart.md', 'aggregates/wallet.md']);
    expect(project.read('docs/schemas/aggregates/cart.md')).toContain('### OpenCart');
    expect((await run(project.root, 'docs', '--check')).code).toBe(0);
    expect((await run(project.root, 'docs')).stdout).toContain('0 written, 3 unchanged, 0 removed');
  });

  it('--check exits 1 naming stale, missing and extra pages, and writes nothing', async () => {
    await run(project.root, 'docs');
    project.write(
      'docs/schemas/aggregates/cart.md',
      `${project.read('docs/schemas/aggregates/cart.md')}edited\n`,
    );
    project.remove('schemas/wallet.yaml');
    project.write('schemas/shop.yaml', aggregateYaml('Shop'));
    const check = await run(project.root, 'docs', '--check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('stale: docs/schemas/aggregates/cart.md');
    expect(check.stdout).toContain('missing: docs/schemas/aggregates/shop.md');
    expect(check.stdout).toContain('extra: docs/schemas/aggregates/wallet.md');
    expect(pages()).toEqual(['README.md', 'aggregates/cart.md', 'aggregates/wallet.md']);
    const write = await run(project.root, 'docs');
    expect(write.stdout).toContain('3 written, 0 unchanged, 1 removed');
    expect(pages()).toEqual(['README.md', 'aggregates/cart.md', 'aggregates/shop.md']);
  });

  it('never overwrites a file it did not write, and writes nothing then', async () => {
    project.write('docs/schemas/README.md', '# Our own notes\n');
    const result = await run(project.root, 'docs');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('docs/schemas/README.md exists and was not written by es-gen docs');
    expect(project.read('docs/schemas/README.md')).toBe('# Our own notes\n');
    expect(pages()).toEqual(['README.md']);
    const elsewhere = await run(project.root, 'docs', '--out', 'docs/events');
    expect(elsewhere.code).toBe(0);
    expect(project.read('docs/events/aggregates/wallet.md')).toContain('# Wallet');
  });

  it('reports schema errors with exit 2 and writes nothing', async () => {
    project.write('schemas/broken.yaml', 'kind: projection\nname: Broken\nhandles: [CartCreatd]\n');
    const result = await run(project.root, 'docs');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('schemas/broken.yaml:3');
    expect(pages()).toEqual([]);
  });
});
