import type { ResolvedConfig } from '../config/config.ts';
import type { SchemaModel } from '../model/ir.ts';
import { compileSchemas } from '../pipeline.ts';
import { type CliContext, ExitCode, reportDiagnostics } from './context.ts';

/**
 * Loads, validates and models the schemas of `config`. On schema errors prints every one with
 * its code frame and `outcome` (default `nothing was written`), sets exit code 2 and returns
 * undefined.
 *
 * @example
 * const model = compileOrReport(context, config);
 * if (!model) return;
 */
export function compileOrReport(
  context: CliContext,
  config: ResolvedConfig,
  outcome?: string,
): SchemaModel | undefined {
  const compiled = compileSchemas(config);
  if (compiled.model) return compiled.model;
  const texts = new Map(compiled.sources.map((s) => [s.file, s.text]));
  reportDiagnostics(context, compiled.diagnostics, (f) => texts.get(f), 'the schemas', outcome);
  context.fail(ExitCode.Invalid);
  return undefined;
}
