import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One before/after pair of the evolution corpus. */
export interface CorpusCase {
  readonly name: string;
  readonly title: string;
  readonly verdict: 'safe' | 'breaking';
  /** The rule id the change must be reported under, or `none` for a change that needs no finding. */
  readonly rule: string;
  /** `file:line:col` the finding must point at, when given. */
  readonly at?: string;
  readonly before: Record<string, string>;
  readonly after: Record<string, string>;
}

const DEFAULT_FILE = 'schemas/order.yaml';

function files(value: unknown): Record<string, string> {
  return typeof value === 'string' ? { [DEFAULT_FILE]: value } : (value as Record<string, string>);
}

/** Reads every `*.yaml` case of `generator/evolution/test/corpus`, sorted by name. */
export function readCorpus(dir = join(import.meta.dirname, 'corpus')): CorpusCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const raw = parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
      return {
        name: f.replace(/\.yaml$/, ''),
        title: String(raw.title),
        verdict: raw.verdict as CorpusCase['verdict'],
        rule: String(raw.rule),
        ...(typeof raw.at === 'string' ? { at: raw.at } : {}),
        before: files(raw.before),
        after: files(raw.after),
      };
    });
}
