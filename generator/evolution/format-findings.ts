import type { Finding } from '../diagnostics/evolution-rules.ts';
import type { StoreReport } from './store-scan/store-scan.ts';

/** Output formats of `es-gen check`. */
export type CheckFormat = 'text' | 'json' | 'github';

/** The version of the JSON output; bumped only on incompatible changes. */
export const CHECK_JSON_VERSION = 1;

const where = (f: Finding) => `${f.loc.file}:${f.loc.line}:${f.loc.column}`;

function storeText(store: StoreReport): string {
  const lines = [`stored events in ${store.source}: ${store.scanned} read of ${store.total}`];
  for (const c of store.counts) {
    lines.push(`  ${c.eventType} v${c.schemaVersion}: ${c.read} read, ${c.failed} failed`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Formats findings for people: one block per finding with `path:line:col`, its kind (`error`,
 * `rebuild` or `safe`), rule id and name, message and fix, then a summary line (and the store counts when a store was read).
 *
 * @example
 * process.stdout.write(formatText(result.findings, result.store));
 */
export function formatText(findings: readonly Finding[], store?: StoreReport): string {
  let out = '';
  for (const f of findings) {
    const kind = f.rule.verdict === 'breaking' ? 'error' : f.rule.verdict === 'rebuild' ? 'rebuild' : 'safe';
    out += `${where(f)}: ${kind} ${f.rule.id} ${f.rule.name}: ${f.message}\n`;
    if (f.fix) out += `  fix: ${f.fix}\n`;
  }
  if (store) out += storeText(store);
  const breaking = findings.filter((f) => f.rule.verdict === 'breaking').length;
  const rebuilds = findings.filter((f) => f.rule.verdict === 'rebuild').length;
  const safe = findings.length - breaking - rebuilds;
  const rebuildText =
    rebuilds > 0 ? `, ${rebuilds} read-model change${rebuilds === 1 ? '' : 's'} needing a rebuild` : '';
  out +=
    breaking > 0
      ? `es-gen check: ${breaking} breaking change${breaking === 1 ? '' : 's'}${rebuildText}, ${safe} safe\n`
      : `es-gen check: no breaking changes (${safe} safe change${safe === 1 ? '' : 's'}${rebuildText}${safe + rebuilds > 0 ? '; run `es-gen lock` to record them' : ''})\n`;
  return out;
}

/**
 * Formats findings as versioned JSON for tools:
 * `{ "version": 1, "breaking": n, "rebuild": n, "findings": [{ ruleId, rule, verdict, file, line, column, message, fix, counterexample? }], "store"? }`.
 */
export function formatJson(findings: readonly Finding[], store?: StoreReport): string {
  const body = {
    version: CHECK_JSON_VERSION,
    breaking: findings.filter((f) => f.rule.verdict === 'breaking').length,
    rebuild: findings.filter((f) => f.rule.verdict === 'rebuild').length,
    findings: findings.map((f) => ({
      ruleId: f.rule.id,
      rule: f.rule.name,
      verdict: f.rule.verdict,
      file: f.loc.file,
      line: f.loc.line,
      column: f.loc.column,
      message: f.message,
      fix: f.fix,
      ...(f.counterexample === undefined ? {} : { counterexample: f.counterexample }),
    })),
    ...(store
      ? { store: { source: store.source, total: store.total, scanned: store.scanned, counts: store.counts } }
      : {}),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Formats findings as GitHub Actions workflow commands: `::error` for breaking changes,
 * `::warning` for read-model changes that need a rebuild, `::notice` for safe ones, each with file, line, col and a title naming the rule.
 *
 * @example
 * // ::error file=schemas/order.yaml,line=12,col=7,title=ES101 field-removed::Order.OrderPlaced v1: …
 */
export function formatGithub(findings: readonly Finding[], store?: StoreReport): string {
  let out = '';
  for (const f of findings) {
    const level =
      f.rule.verdict === 'breaking' ? 'error' : f.rule.verdict === 'rebuild' ? 'warning' : 'notice';
    const props = `file=${escapeProperty(f.loc.file)},line=${f.loc.line},col=${f.loc.column},title=${escapeProperty(`${f.rule.id} ${f.rule.name}`)}`;
    out += `::${level} ${props}::${escapeData(f.fix ? `${f.message}\nfix: ${f.fix}` : f.message)}\n`;
  }
  if (store) out += storeText(store);
  return out;
}

/** Formats findings in `format`. */
export function formatFindings(
  format: CheckFormat,
  findings: readonly Finding[],
  store?: StoreReport,
): string {
  if (format === 'json') return formatJson(findings, store);
  if (format === 'github') return formatGithub(findings, store);
  return formatText(findings, store);
}
