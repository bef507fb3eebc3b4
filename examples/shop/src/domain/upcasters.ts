import type { CustomerRegisteredV1Data, CustomerRegisteredV2Data, DomainEvent } from '../generated/index.ts';

/*
 * Custom upcasters: each turns a stored payload of one version into the next version. They run
 * when old events are read, so they must be pure and never fail on a valid old payload.
 * es-gen created this file once; later builds only add stubs for new `custom: true` upcasts.
 */

/**
 * Upcasts a stored CustomerRegistered payload from version 1 to version 2: the single `name`
 * is split at its last space into first and last name, and the e-mail is lower-cased.
 */
export function upcastCustomerRegisteredV1ToV2(
  data: CustomerRegisteredV1Data,
  _event: DomainEvent,
): CustomerRegisteredV2Data {
  const name = data.name.trim();
  const cut = name.lastIndexOf(' ');
  return {
    firstName: cut > 0 ? name.slice(0, cut) : name,
    lastName: cut > 0 ? name.slice(cut + 1) : '',
    email: data.email.trim().toLowerCase(),
  };
}
