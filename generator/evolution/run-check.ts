import { join } from 'node:path';
import { type Finding, Rules, sortFindings } from '../diagnostics/evolution-rules.ts';
import { SchemaValidators } from '../json-schema/schema-validator.ts';
import type { SchemaModel } from '../model/ir.ts';
import type { LockFile } from './baseline/lock-file.ts';
import { diffAgainstBaseline } from './diff/diff-baseline.ts';
import { type ScanStoreOptions, type StoreReport, scanStore } from './store-scan/store-scan.ts';
import { openStoreSource } from './store-scan/store-source.ts';
import { checkChains } from './verify/chain-static.ts';
import { loadCustomUpcasters } from './verify/custom-upcasters.ts';
import { buildModelRegistry } from './verify/model-registry.ts';
import { missingUpcasters, verifyUpcasters } from './verify/verify-upcasters.ts';

/** Options of `runCheck`. */
export interface RunCheckOptions {
  readonly model: SchemaModel;
  readonly baseline: LockFile;
  /** Absolute project root; files in findings are relative to it. */
  readonly projectRoot: string;
  /** The user-owned folder with custom upcasters, relative to the project root (e.g. `src/domain`). */
  readonly domainDir: string;
  /** Seed of payload generation (default 1). */
  readonly seed?: number;
  /** Payloads per version (default 100). */
  readonly payloads?: number;
  /** Also read a real store: SQLite file or postgres URL. */
  readonly store?: string;
  readonly storeOptions?: ScanStoreOptions;
}

/** The outcome of `es-gen check`. */
export interface CheckResult {
  /** Every finding, safe and breaking, sorted by location. */
  readonly findings: readonly Finding[];
  readonly store?: StoreReport;
}

const CHAIN_RULES: ReadonlySet<string> = new Set([
  Rules.VersionUnreachable.id,
  Rules.UpcastAddWrongType.id,
  Rules.VersionGap.id,
]);

function eventsWith(findings: readonly Finding[], model: SchemaModel): Set<string> {
  const out = new Set<string>();
  for (const f of findings.filter((x) => CHAIN_RULES.has(x.rule.id))) {
    for (const a of model.aggregates) {
      for (const e of a.events)
        if (new RegExp(`^${a.name}\\.${e.name}[ :]`).test(f.message)) out.add(`${a.name}.${e.name}`);
    }
  }
  return out;
}

/**
 * Runs the whole evolution check: the classified diff against the baseline, the static checks of
 * every upcast step, the verification of every chain with generated payloads (custom upcasters
 * loaded from the domain folder), and, with `store`, every stored event.
 *
 * @throws EvolutionInputError when the store cannot be opened; Error when a custom upcaster module fails to load.
 * @example
 * const { findings } = await runCheck({ model, baseline, projectRoot: '/app', domainDir: 'src/domain' });
 */
export async function runCheck(options: RunCheckOptions): Promise<CheckResult> {
  const { model, baseline, projectRoot, domainDir } = options;
  const validators = new SchemaValidators();
  const findings: Finding[] = [...diffAgainstBaseline(model, baseline), ...checkChains(model, validators)];
  const custom = await loadCustomUpcasters(model, projectRoot, join(projectRoot, domainDir));
  findings.push(...missingUpcasters(model, custom.missing, domainDir));
  const registry = buildModelRegistry(model, custom.functions, validators);
  findings.push(
    ...verifyUpcasters({
      model,
      baseline,
      registry,
      custom: custom.functions,
      validators,
      seed: options.seed ?? 1,
      count: options.payloads ?? 100,
      skip: eventsWith(findings, model),
    }),
  );
  if (options.store === undefined) return { findings: sortFindings(findings) };
  const source = await openStoreSource(options.store, projectRoot);
  try {
    const store = await scanStore(source, registry, model, options.storeOptions ?? {});
    return { findings: sortFindings([...findings, ...store.findings]), store };
  } finally {
    await source.close();
  }
}
