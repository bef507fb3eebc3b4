import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../../runtime/events/domain-event.ts';
import { SQLiteEventStore } from '../../../runtime/sqlite/sqlite-event-store.ts';
import { main } from '../../cli/main.ts';
import { runCli } from '../../cli/test/run-cli.ts';

const V1 = `kind: aggregate
name: Order
events:
  OrderPlaced:
    fields:
      total: number
      note: string?
`;
const V2_OK = `kind: aggregate
name: Order
events:
  OrderPlaced:
    versions:
      - version: 1
        fields:
          total: number
          note: string?
      - version: 2
        fields:
          amount: number
          note: string?
          currency: string
        upcast:
          rename: { total: amount }
          add: { currency: USD }
`;
const V1_BROKEN = V1.replace('      note: string?\n', '');

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function project(schema: string): string {
  const root = mkdtempSync(join(tmpdir(), 'es-gen-check-cli-'));
  roots.push(root);
  mkdirSync(join(root, 'schemas'));
  mkdirSync(join(root, 'src/domain'), { recursive: true });
  writeFileSync(join(root, 'schemas/order.yaml'), schema);
  return root;
}

/** Runs the real es-gen CLI entry in `cwd` and returns exit code and output. */
async function run(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCli(cwd, ...args);
  return { code, out: stdout, err: stderr };
}

describe('es-gen lock and es-gen check', () => {
  it('locks, then exits 0 on safe changes, 1 on breaking ones, 2 without a baseline', async () => {
    const root = project(V1);
    expect((await run(root, ['check'])).code).toBe(2);
    const locked = await run(root, ['lock']);
    expect(locked.code).toBe(0);
    const text = readFileSync(join(root, 'es-gen.lock.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text).aggregates.Order.events.OrderPlaced.versions['1'].fingerprint).toMatch(
      /^sha256:[0-9a-f]{64}$/,
    );
    expect((await run(root, ['lock'])).out).toContain('up to date');

    writeFileSync(join(root, 'schemas/order.yaml'), V2_OK);
    const safe = await run(root, ['check', '--payloads', '30']);
    expect(safe.code, safe.out + safe.err).toBe(0);
    expect(safe.out).toContain('ES009');

    writeFileSync(join(root, 'schemas/order.yaml'), V1_BROKEN);
    const broken = await run(root, ['check']);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(
      /^schemas\/order\.yaml:4:3: error ES101 field-removed: Order\.OrderPlaced v1: field `note` removed$/m,
    );
    expect(broken.out).toContain('fix: restore v1');
    const refused = await run(root, ['lock']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--force');
    expect(readFileSync(join(root, 'es-gen.lock.json'), 'utf8')).toBe(text);

    const json = JSON.parse((await run(root, ['check', '--format', 'json'])).out);
    expect(json.version).toBe(1);
    expect(json.findings[0]).toMatchObject({
      ruleId: 'ES101',
      rule: 'field-removed',
      verdict: 'breaking',
      file: 'schemas/order.yaml',
      line: 4,
      column: 3,
    });
    const github = (await run(root, ['check', '--format', 'github'])).out;
    expect(github).toContain(
      '::error file=schemas/order.yaml,line=4,col=3,title=ES101 field-removed::Order.OrderPlaced v1',
    );

    expect((await run(root, ['check', '--format', 'xml'])).code).toBe(2);
    writeFileSync(join(root, 'schemas/order.yaml'), 'kind: aggregate\nname: Order\nevents: 3\n');
    const invalid = await run(root, ['check']);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain('es-gen: 1 error in 1 file of the schemas; nothing was checked');
    writeFileSync(join(root, 'es-gen.lock.json'), '{ "lockfileVersion": 1 ');
    writeFileSync(join(root, 'schemas/order.yaml'), V1);
    const badLock = await run(root, ['check']);
    expect(badLock.code).toBe(2);
    expect(badLock.err).toContain('es-gen.lock.json');
  });

  it('refuses a first lock whose upcast chain breaks stored events, unless forced', async () => {
    const root = project(V2_OK.replace('          add: { currency: USD }\n', ''));
    const refused = await run(root, ['lock']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('ES111 version-unreachable');
    expect(refused.err).toContain('v2 requires `currency` but v1 payloads do not have it');
    expect(existsSync(join(root, 'es-gen.lock.json'))).toBe(false);
    expect((await run(root, ['lock', '--force'])).code).toBe(0);
    expect(existsSync(join(root, 'es-gen.lock.json'))).toBe(true);
  });

  it('compares against the schemas at a git ref without a checkout', async () => {
    const root = project(V1);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', 'schemas');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'v1');
    writeFileSync(join(root, 'schemas/order.yaml'), V1_BROKEN);
    const broken = await run(root, ['check', '--against', 'git:main']);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('ES101 field-removed');
    expect(readFileSync(join(root, 'schemas/order.yaml'), 'utf8')).toBe(V1_BROKEN);
    writeFileSync(join(root, 'schemas/order.yaml'), V2_OK);
    expect((await run(root, ['check', '--against', 'git:main', '--payloads', '20'])).code).toBe(0);
    const unknown = await run(root, ['check', '--against', 'git:no-such-branch']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('"no-such-branch" is not a commit of the git repository');
    expect(unknown.err).toContain('--against lock');
  });
});

describe('es-gen check --store progress', () => {
  /** Runs `check --store` with an io whose stderr is, or is not, a terminal; returns what stderr got. */
  async function checkStore(root: string, file: string, terminal: boolean): Promise<string> {
    let stderr = '';
    const io = {
      cwd: root,
      stdout: () => {},
      stderr: (text: string) => {
        stderr += text;
      },
      stderrIsTerminal: terminal,
    };
    expect(await main(['check', '--store', file], io)).toBe(0);
    return stderr;
  }

  it('draws the scan bar on the io it was given, and only when that stderr is a terminal', async () => {
    const root = project(V1);
    expect((await run(root, ['lock'])).code).toBe(0);
    const file = join(root, 'events.db');
    const store = new SQLiteEventStore(file);
    const placed = (total: number) =>
      createEvent({ eventType: 'OrderPlaced', data: { total }, aggregateId: 'o-1', aggregateType: 'Order' });
    await store.appendEvents('o-1', 'Order', [placed(1), placed(2), placed(3)]);
    await store.close();
    expect(await checkStore(root, file, true)).toContain('100% 3/3\n');
    expect(await checkStore(root, file, false)).not.toContain('3/3');
  });
});

describe('es-gen check on read models', () => {
  const projection = (columns: string) =>
    `kind: projection\nname: Totals\nhandles: [OrderPlaced]\ncheckpoint: true\nreadModel:\n  name: totals\n  key: [orderId]\n  columns:\n    orderId: uuid\n${columns}`;

  it('exits 0 on a rebuild-required change, reporting it with file:line:col and a fix, in text and JSON', async () => {
    const root = project(V1);
    writeFileSync(join(root, 'schemas/totals.yaml'), projection('    total: number\n'));
    const locked = await run(root, ['lock']);
    expect(locked.code).toBe(0);
    expect(locked.out).toContain('1 read model shape');
    writeFileSync(join(root, 'schemas/totals.yaml'), projection('    total: decimal\n'));
    const text = await run(root, ['check']);
    expect(text.code).toBe(0);
    expect(text.out).toContain(
      'schemas/totals.yaml:10:5: rebuild ES202 read-model-column-type-changed: Totals read model `totals`: column `total` changed type from `number` (real) to `decimal` (text)',
    );
    expect(text.out).toContain('  fix: nothing to do if a rebuild is fine');
    const json = JSON.parse((await run(root, ['check', '--format', 'json'])).out) as {
      breaking: number;
      rebuild: number;
      findings: { ruleId: string; verdict: string }[];
    };
    expect(json).toMatchObject({ breaking: 0, rebuild: 1 });
    expect(json.findings.map((f) => [f.ruleId, f.verdict])).toEqual([['ES202', 'rebuild']]);
    const github = await run(root, ['check', '--format', 'github']);
    expect(github.out).toMatch(
      /^::warning file=schemas\/totals\.yaml,line=10,col=5,title=ES202 read-model-column-type-changed::/m,
    );
  });
});
