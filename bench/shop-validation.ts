/**
 * Payload validation for the raw sides of the aggregate-load rows: the es-gen store (registry
 * on, `validateOnRead` at its default) validates every stored payload on read, as the README
 * promises, with the ajv validators `es-gen build` generated for the shop. A raw reader that
 * gives the same guarantee calls the very same validators, so both sides do the same work.
 */
import type { AjvValidateFunction } from '@es-gen/runtime';
import {
  validateItemRegisteredV1,
  validateStockReceivedV1,
  validateStockReservedV1,
} from '../examples/shop/src/generated/validators.ts';

/** The generated validator of each InventoryItem event at its current version (1 for all three). */
const ITEM_VALIDATORS: Readonly<Record<string, AjvValidateFunction>> = {
  ItemRegistered: validateItemRegisteredV1,
  StockReceived: validateStockReceivedV1,
  StockReserved: validateStockReservedV1,
};

/**
 * Checks one stored InventoryItem payload as the es-gen store does on read: a known type at its
 * current version whose payload passes the generated validator.
 *
 * @throws Error naming the type, version and the first problem otherwise.
 */
export function checkItemPayload(eventType: string, schemaVersion: number, data: unknown): void {
  const validate = ITEM_VALIDATORS[eventType];
  if (validate === undefined || schemaVersion !== 1)
    throw new Error(`raw side: no validator for ${eventType} v${schemaVersion}`);
  if (!validate(data)) {
    const problem = validate.errors?.[0];
    throw new Error(
      `raw side: invalid ${eventType} v1 at ${problem?.instancePath || '/'}: ${problem?.message}`,
    );
  }
}
