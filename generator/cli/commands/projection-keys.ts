import { OpsInputError } from './ops-output.ts';
import type { OpsStore } from './ops-store.ts';

const TENANT_MARK = '@tenant:';
const NO_TENANT_MARK = '@no-tenant';

/** Which events a runner key's runner reads: all tenants', one tenant's, or those without a tenant. */
export interface KeyScope {
  readonly projection: string;
  readonly scope: 'all-tenants' | 'tenant' | 'no-tenant';
  /** The tenant of a `tenant` scope, else null. */
  readonly tenantId: string | null;
}

/**
 * Splits a runner key (`OrderSummary`, `OrderSummary@tenant:acme`, `OrderSummary@no-tenant`,
 * as the runtime's `runnerKey` writes them) into the projection and its tenant scope.
 */
export function parseRunnerKey(key: string): KeyScope {
  const at = key.indexOf(TENANT_MARK);
  if (at >= 0)
    return { projection: key.slice(0, at), scope: 'tenant', tenantId: key.slice(at + TENANT_MARK.length) };
  if (key.endsWith(NO_TENANT_MARK)) {
    return { projection: key.slice(0, -NO_TENANT_MARK.length), scope: 'no-tenant', tenantId: null };
  }
  return { projection: key, scope: 'all-tenants', tenantId: null };
}

/** Every runner key the store knows: with a checkpoint or with dead letters, sorted. */
export async function knownKeys(store: OpsStore): Promise<string[]> {
  const keys = new Set((await store.checkpointRows()).map((r) => r.key));
  for (const key of (await store.deadLetterCounts()).keys()) keys.add(key);
  return [...keys].sort();
}

/**
 * The keys `name` selects: `name` itself, and with `allTenants` its per-tenant keys too.
 *
 * @throws OpsInputError naming the known projections when none matches.
 */
export async function selectKeys(store: OpsStore, name: string, allTenants: boolean): Promise<string[]> {
  const known = await knownKeys(store);
  const selected = known.filter((k) => k === name || (allTenants && parseRunnerKey(k).projection === name));
  if (selected.length > 0) return selected;
  const names = known.length === 0 ? 'none' : known.join(', ');
  const tenants = known.some((k) => !allTenants && parseRunnerKey(k).projection === name)
    ? `; it has per-tenant keys only: add --all-tenants or name one (${name}@tenant:<id>)`
    : '';
  throw new OpsInputError(
    `no projection "${name}" in ${store.description} (no checkpoint, no dead letter)${tenants}; known: ${names} (es-gen projections status lists them)`,
  );
}
