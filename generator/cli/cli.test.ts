import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from '../write/test/project.ts';
import { runCli } from './test/run-cli.ts';

const BIN = fileURLToPath(new URL('../bin/es-gen.js', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `es-gen` bin in `cwd` and waits (bounded) for it to exit. */
function run(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`es-gen ${args.join(' ')} did not exit within 60 s\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const files = (project: TempProject, dir: string) =>
  existsSync(join(project.root, dir))
    ? readdirSync(join(project.root, dir), { recursive: true }).map(String).sort()
    : [];

const runHere = runCli;

const BAD_SCHEMA = 'kind: projection\nname: Broken\nhandles: [OrderPlacd]\n';

describe('the es-gen bin as a child process', { timeout: 120_000 }, () => {
  let project: TempProject;
  let other: TempProject;
  beforeAll(async () => {
    project = new TempProject('es-gen-bin-');
    other = new TempProject('es-gen-bin-other-');
    await runHere(project.root, 'init');
  });
  afterAll(() => {
    project.dispose();
    other.dispose();
  });

  it('exits 0 for --version, 2 for bad arguments and invalid schemas, 3 for internal errors', async () => {
    other.write('schemas/broken.yaml', BAD_SCHEMA);
    const internal = new TempProject('es-gen-bin-internal-');
    try {
      internal.write('schemas/order.yaml', project.read('schemas/order.yaml'));
      internal.write('src/generated', 'a file where the output folder should be\n');
      const [version, badArgs, invalid, crashed] = await Promise.all([
        run(project.root, '--version'),
        run(project.root, 'build', '--nope'),
        run(other.root, 'build'),
        run(internal.root, 'build'),
      ]);
      expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
      expect(badArgs.code).toBe(2);
      expect(badArgs.stderr).toContain("error: unknown option '--nope'");
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toContain(
        'schemas/broken.yaml:3:11: unknown event `OrderPlacd`\n    3 | handles: [OrderPlacd]\n      |           ^^^^^^^^^^\n',
      );
      expect(files(other, '.')).toEqual(['schemas', 'schemas/broken.yaml']);
      expect(crashed.code).toBe(3);
      expect(crashed.stderr).toContain('es-gen: internal error:');
    } finally {
      internal.dispose();
    }
  });

  it('builds with exit code 0, then build --check exits 1 on stale output', async () => {
    const built = await run(project.root, 'build');
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toContain('created src/domain/');
    const [first] = files(project, 'src/generated').filter((f) => f.endsWith('.ts'));
    project.write(`src/generated/${first}`, `${project.read(`src/generated/${first}`)}// edited\n`);
    const check = await run(project.root, 'build', '--check');
    expect(check).toMatchObject({
      code: 1,
      stdout: expect.stringContaining(`stale:   src/generated/${first}\n`),
    });
  });

  it('--watch rebuilds after a change, prints schema errors and keeps running', async () => {
    const child = spawn(process.execPath, [BIN, 'build', '--watch'], {
      cwd: project.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const waitFor = async (predicate: () => boolean, what: string) => {
      const deadline = Date.now() + 45_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${stdout}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await waitFor(() => stdout.includes('watching schemas/'), 'the watcher');
      const original = project.read('schemas/order.yaml');
      project.write(
        'schemas/order.yaml',
        original.replace('total: number\ncommands', 'total: numbr\ncommands'),
      );
      await waitFor(() => stderr.includes('unknown type `numbr`'), 'the schema error');
      project.write(
        'schemas/order.yaml',
        original.replace('  ShipOrder:', '  CancelOrder:\n    emits: []\n  ShipOrder:'),
      );
      await waitFor(
        () => /rebuilding[\s\S]*rebuilding[\s\S]*generated files/.test(stdout),
        'the rebuild after the fix',
      );
      expect(project.read('src/domain/order.ts')).toMatch(/cancelOrder/i);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

describe('es-gen commands', { timeout: 120_000 }, () => {
  let project: TempProject;
  beforeAll(() => {
    project = new TempProject('es-gen-cli-');
  });
  afterAll(() => project.dispose());

  it('prints --version and --help on every command with exit code 0', async () => {
    for (const args of [['--version'], ['build', '--version'], ['init', '-V']]) {
      expect(await runHere(project.root, ...args)).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    }
    for (const command of ['build', 'init']) {
      const help = await runHere(project.root, command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: es-gen ${command}`);
    }
    expect((await runHere(project.root, 'build', '--help')).stdout).toContain('--no-stubs');
  });

  it('exits 2 on invalid arguments', async () => {
    expect((await runHere(project.root, 'frobnicate')).code).toBe(2);
    expect((await runHere(project.root)).code).toBe(2);
    expect((await runHere(project.root, 'build', 'extra-arg')).code).toBe(2);
    expect(await runHere(project.root, 'build', '--check', '--watch')).toMatchObject({
      code: 2,
      stderr: 'es-gen: --check and --watch cannot be combined\n',
    });
  });

  it('init scaffolds a project and refuses to overwrite it', async () => {
    const first = await runHere(project.root, 'init');
    expect(first.code).toBe(0);
    expect(files(project, '.')).toEqual(
      expect.arrayContaining([
        'es-gen.config.yaml',
        'schemas/order.yaml',
        'schemas/projections/order-summary.yaml',
      ]),
    );
    expect(project.read('schemas/order.yaml')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/node_modules\/es-gen\/schemas\/es-gen\.schema\.json\n/,
    );
    expect(project.read('schemas/projections/order-summary.yaml')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\//,
    );
    project.write('schemas/order.yaml', `${project.read('schemas/order.yaml')}# mine\n`);
    const again = await runHere(project.root, 'init');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('es-gen: es-gen.config.yaml already exists');
    expect(project.read('schemas/order.yaml')).toMatch(/# mine\n$/);
  });

  it('exits 2 with positions and code frames on schema errors, writing nothing', async () => {
    const original = project.read('schemas/order.yaml');
    project.write('schemas/order.yaml', original.replace('unitPrice: number', 'unitPrice: numbr'));
    project.write('schemas/broken.yaml', BAD_SCHEMA);
    const result = await runHere(project.root, 'build');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'schemas/broken.yaml:3:11: unknown event `OrderPlacd`; did you mean `OrderPlaced`?',
    );
    expect(result.stderr).toContain(
      'schemas/order.yaml:11:18: unknown type `numbr`; did you mean `number`?\n   11 |       unitPrice: numbr\n      |                  ^^^^^\n',
    );
    expect(result.stderr).toContain('es-gen: 2 errors in 2 files of the schemas; nothing was written');
    expect(files(project, 'src')).toEqual(['domain', 'generated']);
    project.write('schemas/order.yaml', original);
    project.remove('schemas/broken.yaml');
  });

  it('exits 2 on config errors', async () => {
    const config = project.read('es-gen.config.yaml');
    project.write('es-gen.config.yaml', 'schemas: schemas\noutptu: gen\n');
    const result = await runHere(project.root, 'build');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'es-gen.config.yaml:2:1: unknown config key `outptu`; did you mean `output`?\n    2 | outptu: gen\n      | ^^^^^^\n',
    );
    expect(result.stderr).toContain('es-gen: 1 error in 1 file of the config; nothing was written');
    const missing = await runHere(project.root, 'build', '--config', 'nope.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('config file nope.yaml does not exist');
    project.write('es-gen.config.yaml', config);
  });

  it('builds, keeps unchanged files, and --check lists stale, missing and extra files', async () => {
    const built = await runHere(project.root, 'build', '--no-stubs');
    expect(built).toMatchObject({ code: 0, stderr: '' });
    expect(files(project, 'src/domain')).toEqual([]);
    expect(await runHere(project.root, 'build', '--check')).toMatchObject({ code: 0 });

    const generated = files(project, 'src/generated').filter((f) => f.endsWith('.ts'));
    const [first, second] = generated;
    if (!first || !second) throw new Error(`expected generated files, found ${generated.join(', ')}`);
    project.write(`src/generated/${first}`, `${project.read(`src/generated/${first}`)}// edited\n`);
    project.remove(`src/generated/${second}`);
    project.write(
      'src/generated/old.ts',
      `// @generated by es-gen ${VERSION} from schemas/old.yaml — do not edit\n`,
    );
    project.write('src/generated/mine.ts', 'export const mine = 1;\n');
    const check = await runHere(project.root, 'build', '--check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`stale:   src/generated/${first}\n`);
    expect(check.stdout).toContain(`missing: src/generated/${second}\n`);
    expect(check.stdout).toContain('extra:   src/generated/old.ts\n');
    expect(check.stdout).toContain('es-gen: 3 generated files are out of date; run `es-gen build`');
    expect(check.stdout).not.toContain('mine.ts');
    expect(existsSync(join(project.root, 'src/generated/old.ts'))).toBe(true);

    const rebuilt = await runHere(project.root, 'build');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/\(2 written, \d+ unchanged, 1 removed\), \d+ user files? created/);
    expect(existsSync(join(project.root, 'src/generated/old.ts'))).toBe(false);
    expect(project.read('src/generated/mine.ts')).toBe('export const mine = 1;\n');
    expect(await runHere(project.root, 'build', '--check')).toMatchObject({ code: 0 });
  });
});
