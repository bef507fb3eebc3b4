/** SQLSTATE codes the es-gen functions raise, and the driver codes adapters react to. */
export const PostgreSQLErrorCode = {
  UniqueViolation: '23505',
  InsufficientPrivilege: '42501',
  StreamChanged: 'ES409',
  StreamTenant: 'ES403',
} as const;

/** A pg driver error's SQLSTATE, constraint and detail, when `error` is one. */
export interface PostgreSQLErrorFields {
  readonly code?: string;
  readonly constraint?: string;
  readonly detail?: string;
}

/** The pg error fields of `error` (empty for anything else). */
export function postgreSQLErrorFields(error: unknown): PostgreSQLErrorFields {
  return typeof error === 'object' && error !== null ? (error as PostgreSQLErrorFields) : {};
}
