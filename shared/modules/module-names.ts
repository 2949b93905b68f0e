/**
 * The CRM's module names and id prefixes, apart from the registry (./registry.ts, which re-exports them): code that
 * needs only these (key builders, a health check) must not bundle every module's declaration and schemas.
 */

/** The portal modules a person has when staff set no components (partner-only components are granted explicitly). */
export const defaultPortalComponents = ['tickets', 'invoices', 'quotes', 'sales-orders', 'documents'] as const;
/** Modules whose records the portal lists through `GET /portal/{module}`. */
export const portalModuleNames = [...defaultPortalComponents, 'deal-registrations'] as const;
export type PortalModuleName = (typeof portalModuleNames)[number];
/**
 * Every component a person's portal can include: the portal modules, and the partner's assigned leads (served by
 * their own routes, shared/deals/partner-leads.ts, showing only the fields the vendor shares).
 */
export const portalComponentNames = [...portalModuleNames, 'leads'] as const;
export type PortalComponentName = (typeof portalComponentNames)[number];

/** Every module's id prefix: ids read `<prefix>_<uuid>`, so a reference names its module (docs/data-model.md). */
export const idPrefixes = {
  organizations: 'org',
  'partner-organizations': 'porg',
  contacts: 'con',
  leads: 'lead',
  'partner-contacts': 'pcon',
  tickets: 'tkt',
  invoices: 'inv',
  quotes: 'quo',
  'sales-orders': 'so',
  documents: 'doc',
  'deal-registrations': 'deal',
} as const;
export type ModuleName = keyof typeof idPrefixes;
