import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The `tsconfig.json` `es-gen init` writes when a project has none: NodeNext with the strict
 * options es-gen's generated code is written for. With it, `importExtension: auto` gives `.js`.
 */
export const INIT_TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
      verbatimModuleSyntax: true,
      outDir: 'dist',
      rootDir: 'src',
    },
    include: ['src'],
  },
  null,
  2,
)}\n`;

/** The npm scripts `es-gen init` adds to package.json (an existing script of the same name is kept). */
export const INIT_SCRIPTS: Readonly<Record<string, string>> = {
  'es-gen:build': 'es-gen build',
  'es-gen:check': 'es-gen check',
};

/** A package name from a folder name: `My App` → `my-app`. */
function packageName(folder: string): string {
  const name = basename(folder)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '');
  return name || 'app';
}

/**
 * Writes `tsconfig.json` when the project has none, and creates or completes `package.json`
 * (`"type": "module"`, a name from the folder, the es-gen scripts). Never overwrites a file or
 * an existing script. Returns one line per file saying what was written or skipped.
 *
 * @throws Error naming package.json when it exists but is not a JSON object.
 * @example
 * writeProjectFiles('/app'); // ['created tsconfig.json', 'created package.json']
 */
export function writeProjectFiles(target: string): string[] {
  const report: string[] = [];
  if (existsSync(join(target, 'tsconfig.json'))) {
    report.push('skipped tsconfig.json: it exists (importExtension: auto reads it)');
  } else {
    writeFileSync(join(target, 'tsconfig.json'), INIT_TSCONFIG, { flag: 'wx' });
    report.push('created tsconfig.json');
  }
  const path = join(target, 'package.json');
  if (!existsSync(path)) {
    const pkg = { name: packageName(target), private: true, type: 'module', scripts: { ...INIT_SCRIPTS } };
    writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`, { flag: 'wx' });
    report.push('created package.json');
    return report;
  }
  report.push(...completePackageJson(path));
  return report;
}

function completePackageJson(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `package.json is not valid JSON (${(error as Error).message}); fix it and run init again`,
    );
  }
  if (pkg === null || typeof pkg !== 'object' || Array.isArray(pkg))
    throw new Error('package.json is not a JSON object; fix it and run init again');
  const record = pkg as Record<string, unknown>;
  const scripts = (record['scripts'] ?? {}) as Record<string, unknown>;
  const added = Object.keys(INIT_SCRIPTS).filter((name) => !(name in scripts));
  const kept = Object.keys(INIT_SCRIPTS).filter((name) => name in scripts);
  const report = kept.map((name) => `skipped script ${name} in package.json: it exists`);
  if (record['type'] !== 'module')
    report.push('note: package.json has no "type": "module"; the generated code is ESM, so add it');
  if (added.length === 0) return report;
  for (const name of added) scripts[name] = INIT_SCRIPTS[name];
  record['scripts'] = scripts;
  const indent = /^\{\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  writeFileSync(path, `${JSON.stringify(record, null, indent)}\n`);
  return [`added script${added.length === 1 ? '' : 's'} ${added.join(', ')} to package.json`, ...report];
}
