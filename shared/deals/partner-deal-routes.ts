import type { RouteKeyOf } from '../http/route-contract';
import type { HttpMethod } from '../http/routes';

export type PartnerDealOperation = 'registerDeal' | 'listLeads' | 'getLead' | 'decideLead' | 'setLeadStage';

/**
 * The partner's side of deal registration and assigned leads (functions/partner-deals.ts). Every route needs a token
 * of the portal pool. A partner's registrations are listed and read through `GET /portal/{module}` like every portal
 * module's records; leads have routes of their own, which show only the fields the vendor shares.
 */
export const partnerDealRoutes = [
  { method: 'POST', path: '/portal/deal-registrations', operation: 'registerDeal' },
  { method: 'GET', path: '/portal/leads', operation: 'listLeads' },
  { method: 'GET', path: '/portal/leads/{id}', operation: 'getLead' },
  { method: 'POST', path: '/portal/leads/{id}/decision', operation: 'decideLead' },
  { method: 'PUT', path: '/portal/leads/{id}/stage', operation: 'setLeadStage' },
] as const satisfies readonly { method: HttpMethod; path: string; operation: PartnerDealOperation }[];

export type PartnerDealRouteKey = RouteKeyOf<(typeof partnerDealRoutes)[number]>;

const byRouteKey = new Map<string, PartnerDealOperation>(
  partnerDealRoutes.map((route) => [`${route.method} ${route.path}`, route.operation]),
);

export function resolvePartnerDealRoute(routeKey: string): PartnerDealOperation | undefined {
  return byRouteKey.get(routeKey);
}
