import { describe, expect, it } from 'vitest';
import { ALL_RULES, type Finding, hasBreaking } from '../../diagnostics/evolution-rules.ts';
import { SchemaValidators } from '../../json-schema/schema-validator.ts';
import { buildLockFile } from '../baseline/lock-file.ts';
import { diffAgainstBaseline } from '../diff/diff-baseline.ts';
import { checkChains } from '../verify/chain-static.ts';
import { readCorpus } from './corpus.ts';
import { modelFromYaml } from './model-from-yaml.ts';

const corpus = readCorpus();
const validators = new SchemaValidators();

function check(before: Record<string, string>, after: Record<string, string>): Finding[] {
  const model = modelFromYaml(after);
  return [
    ...diffAgainstBaseline(model, buildLockFile(modelFromYaml(before))),
    ...checkChains(model, validators),
  ];
}

const show = (fs: readonly Finding[]) =>
  fs.map((f) => `${f.rule.id} ${f.loc.file}:${f.loc.line}:${f.loc.column} ${f.message}`).join('\n');

describe('evolution corpus', () => {
  it.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const findings = check(c.before, c.after);
    expect(hasBreaking(findings) ? 'breaking' : 'safe', show(findings)).toBe(c.verdict);
    if (c.rule === 'none') return;
    const matching = findings.filter((f) => f.rule.id === c.rule);
    expect(matching.length, `${c.title}: expected ${c.rule}, got\n${show(findings)}`).toBeGreaterThan(0);
    if (c.verdict === 'breaking') expect(matching.every((f) => f.fix.length > 0)).toBe(true);
    if (c.at) expect(matching.map((f) => `${f.loc.file}:${f.loc.line}:${f.loc.column}`)).toContain(c.at);
  });

  it('the same schemas give no findings at all', () => {
    for (const c of corpus)
      expect(
        show(
          check(c.after, c.after).filter(
            (f) => f.rule.verdict === 'breaking' && !['ES110', 'ES111', 'ES112'].includes(f.rule.id),
          ),
        ),
      ).toBe('');
  });

  it('covers every schema rule (upcaster, store and read-model rules have their own tests)', () => {
    const covered = new Set(corpus.map((c) => c.rule));
    const own = (id: string) => id === 'ES114' || id === 'ES115' || /^ES(02|2)\d+$/.test(id);
    expect(ALL_RULES.map((r) => r.id).filter((id) => !covered.has(id) && !own(id))).toEqual([]);
  });
});
