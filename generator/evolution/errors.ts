/**
 * Thrown when the inputs of `es-gen check`/`es-gen lock` are invalid: a missing or malformed
 * lock file, a git ref that does not exist, an unreadable store. The CLI exits with code 2.
 */
export class EvolutionInputError extends Error {
  readonly code = 'ES_EVOLUTION_INPUT';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvolutionInputError';
  }
}

/** True when `error` is an `EvolutionInputError` (checks `code`, not `instanceof`). */
export function isEvolutionInputError(error: unknown): error is EvolutionInputError {
  return (error as { code?: unknown } | null)?.code === 'ES_EVOLUTION_INPUT';
}
