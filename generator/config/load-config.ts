import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeValue } from '../diagnostics/describe-value.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import type { Diagnostic } from '../load/diagnostic.ts';
import { SourceFile } from '../load/source-file.ts';
import type { ConfigKey, ResolvedConfig } from './config.ts';
import { CONFIG_DEFAULTS, CONFIG_FILE_NAME } from './config.ts';
import { IMPORT_EXTENSION_SETTINGS, type ImportExtensionSetting } from './import-extension.ts';

/** The outcome of loading a config: the config, or the errors found in it (then `config` is undefined). */
export interface LoadedConfig {
  readonly config?: ResolvedConfig;
  readonly diagnostics: readonly Diagnostic[];
  /** The config file's text, for code frames. */
  readonly text?: string;
}

/** Thrown when `--config` names a file that does not exist. */
export class ConfigNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`config file ${path} does not exist; run \`es-gen init\` to create one or fix the --config path`);
    this.name = 'ConfigNotFoundError';
  }
}

/**
 * Loads `es-gen.config.yaml`: the file given as `configPath` (relative to `cwd`), else the one in
 * `cwd`, else the defaults with `cwd` as the project root. Unknown keys, values of the wrong type
 * and folders outside the project are reported as diagnostics with their positions.
 *
 * @throws ConfigNotFoundError when `configPath` is given and missing.
 * @example
 * const { config, diagnostics } = loadConfig({ cwd: process.cwd() });
 */
export function loadConfig(options: { readonly cwd: string; readonly configPath?: string }): LoadedConfig {
  const given = options.configPath === undefined ? undefined : resolve(options.cwd, options.configPath);
  // `--config some/folder` means the config file in that folder.
  const file =
    given === undefined
      ? resolve(options.cwd, CONFIG_FILE_NAME)
      : isDirectory(given)
        ? join(given, CONFIG_FILE_NAME)
        : given;
  if (!existsSync(file)) {
    if (options.configPath !== undefined) throw new ConfigNotFoundError(options.configPath);
    return { config: resolveConfig(options.cwd, undefined, {}), diagnostics: [] };
  }
  const projectRoot = dirname(file);
  const text = readFileSync(file, 'utf8');
  const source = SourceFile.parse(relative(options.cwd, file).split(sep).join('/') || CONFIG_FILE_NAME, text);
  if (source.diagnostics.length > 0) return { diagnostics: source.diagnostics, text };
  const diagnostics: Diagnostic[] = [];
  const values = readValues(source, diagnostics);
  const config = resolveConfig(projectRoot, file, values);
  checkFolders(source, config, values, diagnostics);
  return diagnostics.length > 0 ? { diagnostics, text } : { config, diagnostics, text };
}

function readValues(source: SourceFile, diagnostics: Diagnostic[]): Partial<Record<ConfigKey, string>> {
  const value = source.value;
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(
      source.diagnostic(
        [],
        'value',
        'config-type',
        `the config must be a map of keys, found ${describeValue(value)}`,
        `use the keys ${keyList()}`,
      ),
    );
    return {};
  }
  const values: Partial<Record<ConfigKey, string>> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!Object.hasOwn(CONFIG_DEFAULTS, key)) {
      const hint = didYouMean(key, Object.keys(CONFIG_DEFAULTS)) ?? `the keys are ${keyList()}`;
      diagnostics.push(source.diagnostic([key], 'key', 'unknown-key', `unknown config key \`${key}\``, hint));
    } else if (typeof raw !== 'string' || raw.trim() === '') {
      diagnostics.push(
        source.diagnostic(
          [key],
          'value',
          'config-type',
          `\`${key}\` must be a non-empty string, found ${describeValue(raw)}`,
          `the default is \`${CONFIG_DEFAULTS[key as ConfigKey]}\``,
        ),
      );
    } else if (key === 'importExtension' && !isImportExtension(raw.trim())) {
      diagnostics.push(
        source.diagnostic(
          [key],
          'value',
          'config-value',
          `\`importExtension\` must be one of ${settingList()}, found ${describeValue(raw)}`,
          didYouMean(raw.trim(), IMPORT_EXTENSION_SETTINGS) ??
            `the default is \`${CONFIG_DEFAULTS.importExtension}\``,
        ),
      );
    } else {
      values[key as ConfigKey] = raw.trim();
    }
  }
  return values;
}

function resolveConfig(
  projectRoot: string,
  file: string | undefined,
  values: Partial<Record<ConfigKey, string>>,
): ResolvedConfig {
  const folder = (key: 'schemas' | 'output' | 'domain') =>
    normalizeFolder(projectRoot, values[key] ?? CONFIG_DEFAULTS[key]);
  return {
    projectRoot,
    ...(file === undefined ? {} : { configFile: file }),
    schemasDir: folder('schemas'),
    outputDir: folder('output'),
    domainDir: folder('domain'),
    runtimeImport: values.runtime ?? CONFIG_DEFAULTS.runtime,
    importExtension: (values.importExtension ?? CONFIG_DEFAULTS.importExtension) as ImportExtensionSetting,
  };
}

/** A folder relative to the project root with `/` separators (`.` for the root itself). */
function normalizeFolder(projectRoot: string, folder: string): string {
  const absolute = isAbsolute(folder) ? folder : resolve(projectRoot, folder);
  return relative(projectRoot, absolute).split(sep).join('/') || '.';
}

function checkFolders(
  source: SourceFile,
  config: ResolvedConfig,
  values: Partial<Record<ConfigKey, string>>,
  diagnostics: Diagnostic[],
): void {
  const report = (key: ConfigKey, message: string, hint: string) => {
    if (values[key] !== undefined)
      diagnostics.push(source.diagnostic([key], 'value', 'config-folder', message, hint));
  };
  const folders = { schemas: config.schemasDir, output: config.outputDir, domain: config.domainDir } as const;
  for (const [key, folder] of Object.entries(folders) as [ConfigKey, string][]) {
    if (folder === '..' || folder.startsWith('../')) {
      report(
        key,
        `\`${key}\` (${values[key]}) is outside the project folder`,
        'give a folder inside the folder of the config file',
      );
    }
  }
  if (config.outputDir === '.') {
    report(
      'output',
      '`output` must be a subfolder, not the project folder itself',
      `e.g. \`${CONFIG_DEFAULTS.output}\``,
    );
    return;
  }
  if (overlaps(config.outputDir, config.domainDir)) {
    report(
      'domain',
      `\`domain\` (${config.domainDir}) and \`output\` (${config.outputDir}) must not overlap`,
      'keep user-owned code apart from generated code',
    );
  }
  if (overlaps(config.outputDir, config.schemasDir)) {
    report(
      'output',
      `\`output\` (${config.outputDir}) and \`schemas\` (${config.schemasDir}) must not overlap`,
      'keep generated code apart from the schemas',
    );
  }
}

function overlaps(a: string, b: string): boolean {
  return a === b || a === '.' || b === '.' || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function keyList(): string {
  return Object.keys(CONFIG_DEFAULTS)
    .map((k) => `\`${k}\``)
    .join(', ');
}

function isImportExtension(value: string): value is ImportExtensionSetting {
  return (IMPORT_EXTENSION_SETTINGS as readonly string[]).includes(value);
}

function settingList(): string {
  return IMPORT_EXTENSION_SETTINGS.map((s) => `\`${s}\``).join(', ');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
