/** SQLSTATE codes the es-gen functions raise, and the driver codes adapters react to. */
export const PgCode = {
  UniqueViolation: '23505',
  StreamChanged: 'ES409',
  StreamTenant: 'ES403',
} as const;

/** A pg driver error's SQLSTATE, constraint and detail, when `error` is one. */
export interface PgErrorFields {
  readonly code?: string;
  readonly constraint?: string;
  readonly detail?: string;
}

/** The pg error fields of `error` (empty for anything else). */
export function pgError(error: unknown): PgErrorFields {
  return typeof error === 'object' && error !== null ? (error as PgErrorFields) : {};
}
