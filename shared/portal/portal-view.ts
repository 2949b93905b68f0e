import { internalAttributes } from '../data/keys';

/**
 * Fields of a record a portal user never sees: who on the staff wrote it, how it is filed, and the staff's triage
 * bookkeeping of a ticket (`source`: where it came from; `lastCommentAt`: when the conversation last moved). The
 * portal schemas of the OpenAPI document (shared/openapi/portal-record-schemas.ts) leave out the same fields.
 */
export const staffOnlyFields: ReadonlySet<string> = new Set([
  'createdBy',
  'updatedBy',
  'showOnPortal',
  'version',
  'source',
  'lastCommentAt',
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
