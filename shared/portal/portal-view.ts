import { internalAttributes } from '../data/keys';

/** Fields of a record a portal user never sees: who on the staff wrote it, and how it is filed. */
export const staffOnlyFields: ReadonlySet<string> = new Set([
  'createdBy',
  'updatedBy',
  'showOnPortal',
  'version',
  // A deal registration's match with another partner's registration or a lead: for staff only, never the partner.
  'conflicts',
]);

/** A record as the portal shows it: no keys, no staff-only fields. */
export function portalView(item: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!internalAttributes.has(name) && !staffOnlyFields.has(name)) view[name] = value;
  }
  return view;
}
