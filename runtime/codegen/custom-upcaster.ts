import type { DomainEvent, Upcaster } from '@es-gen/runtime';

/**
 * A user's upcaster, typed on the payload of the version it reads, as the registry's `custom`
 * operation. The registry runs it only on a payload that passed that version's schema, which is
 * what lets the stored object be read as `TFrom`; its result is copied into a plain object.
 *
 * @example
 * declarativeUpcaster([{ custom: customUpcaster<CustomerRegisteredV1Data>(upcastCustomerRegisteredV1ToV2) }]);
 */
export function customUpcaster<TFrom extends object>(
  upcast: (data: TFrom, event: DomainEvent) => object,
): Upcaster {
  return (data, event) => ({ ...upcast(data as TFrom, event) });
}
