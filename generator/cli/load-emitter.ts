import type { Emitter } from '../model/emit-contract.ts';

/**
 * Loads the emitters (`generator/emit/index.ts`, or `.js` in the built package) on first use, so
 * commands that fail on invalid schemas, `--help` and `--version` start fast.
 *
 * @throws Error when the emitter module does not export `emitGenerated` and `planUserFiles`.
 */
export async function loadEmitter(): Promise<Emitter> {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const module = (await import(
    new URL(`../emit/index${extension}`, import.meta.url).href
  )) as Partial<Emitter>;
  if (typeof module.emitGenerated !== 'function' || typeof module.planUserFiles !== 'function') {
    throw new Error('the emitter module does not export emitGenerated and planUserFiles');
  }
  return { emitGenerated: module.emitGenerated, planUserFiles: module.planUserFiles };
}
