import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeLock, LOCK_FILE_NAME, lockBlockers, writeSchemaLock } from '../index.ts';
import { modelFromYaml, orderWithCurrency } from './model-from-yaml.ts';

const V1 = `kind: aggregate
name: Order
events:
  OrderPlaced:
    fields: { total: number }
`;

const dir = mkdtempSync(join(tmpdir(), 'es-gen-lock-schemas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = (yaml: string) => modelFromYaml({ 'schemas/order.yaml': yaml });

/** The lock path of a project folder of its own. */
function lockPath(project: string): string {
  mkdirSync(join(dir, project), { recursive: true });
  return join(dir, project, LOCK_FILE_NAME);
}

describe('locking the schemas (evolution/lock-schemas.ts)', () => {
  it('finds nothing in the way of a first lock of sound schemas, and writes it once', async () => {
    const path = lockPath('first');
    expect(await lockBlockers(model(V1), path)).toEqual([]);
    expect(existsSync(path)).toBe(false);
    expect(await writeSchemaLock(model(V1), path)).toEqual({
      changed: true,
      summary: '1 event version of 1 aggregate(s)',
    });
    const text = readFileSync(path, 'utf8');
    expect(await writeSchemaLock(model(V1), path)).toMatchObject({ changed: false });
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('blocks a chain that leaves a required field unset, with only its breaking findings', async () => {
    const blockers = await lockBlockers(
      model(orderWithCurrency('{ rename: { total: total } }')),
      join(dir, 'none.json'),
    );
    expect(blockers.map((f) => f.rule.id)).toEqual(['ES111']);
    expect(blockers.every((f) => f.rule.verdict === 'breaking')).toBe(true);
    expect(
      await lockBlockers(model(orderWithCurrency('{ add: { currency: USD } }')), join(dir, 'none.json')),
    ).toEqual([]);
  });

  it('blocks a breaking change against the lock already there', async () => {
    const path = lockPath('changed');
    await writeSchemaLock(model(V1), path);
    const changed = model(V1.replace('total: number', 'total: string'));
    expect((await lockBlockers(changed, path)).length).toBeGreaterThan(0);
  });

  it('summarises versions, aggregates and read model shapes in words', async () => {
    const lock = { lockfileVersion: 1, aggregates: {}, readModels: {} } as never;
    expect(describeLock(lock)).toBe('0 event versions of 0 aggregate(s)');
    const two = model(orderWithCurrency('{ add: { currency: USD } }'));
    const { summary } = await writeSchemaLock(two, lockPath('two'));
    expect(summary).toBe('2 event versions of 1 aggregate(s)');
  });
});
