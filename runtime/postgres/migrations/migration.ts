/** One versioned schema change. Versions are applied in order, each exactly once. */
export interface Migration {
  /** The version number, recorded in `schema_migrations` once applied. */
  readonly version: number;
  /** A short description, recorded with the version. */
  readonly name: string;
  /** The SQL of the change for an (unquoted) schema name; every name in it is quoted. */
  readonly sql: (schema: string) => string;
}
