import type { Emitter } from '../emit/emit-contract.ts';

/**
 * Loads the emitters (`generator/emit/index.ts`) on first use, so commands that stop on invalid
 * schemas, `--help` and `--version` start without ts-morph. The import is type-checked against
 * the emitter contract (`generator/emit/emit-contract.ts`).
 *
 * @example
 * const { emitGenerated, planUserFiles } = await loadEmitter();
 */
export async function loadEmitter(): Promise<Emitter> {
  const { emitGenerated, planUserFiles } = await import('../emit/index.ts');
  return { emitGenerated, planUserFiles };
}
