import type { ImportExtensionSetting } from './import-extension.ts';

/** The keys of `es-gen.config.yaml` with their defaults (DESIGN §4). Paths are relative to the config file. */
export const CONFIG_DEFAULTS = {
  /** The YAML schemas. */
  schemas: 'schemas',
  /** Generated code, rewritten by every build. */
  output: 'src/generated',
  /** User-owned files, created once. */
  domain: 'src/domain',
  /** Import path of the runtime in generated code. */
  runtime: '@es-gen/runtime',
  /**
   * The extension of relative imports in generated and user-owned files: `.ts`, `.js`, `none`,
   * or `auto` (read from the project's tsconfig.json; see `resolveImportExtension`).
   */
  importExtension: 'auto',
} as const;

/** The name of the config file looked up in the current folder. */
export const CONFIG_FILE_NAME = 'es-gen.config.yaml';

export type ConfigKey = keyof typeof CONFIG_DEFAULTS;

/** A loaded configuration, with folders normalized to project-root-relative `/` paths. */
export interface ResolvedConfig {
  /** Absolute path of the project root: the folder of the config file (or the current folder without one). */
  readonly projectRoot: string;
  /** Absolute path of the config file read, or undefined when the defaults were used. */
  readonly configFile?: string;
  /** Schema folder, e.g. `schemas`. */
  readonly schemasDir: string;
  /** Generated code folder, e.g. `src/generated`. */
  readonly outputDir: string;
  /** User-owned code folder, e.g. `src/domain`. */
  readonly domainDir: string;
  /** Import path of the runtime used in generated code. */
  readonly runtimeImport: string;
  /** The `importExtension` setting; `auto` is resolved against tsconfig.json at build time. */
  readonly importExtension: ImportExtensionSetting;
}
