import type { RouteKeyOf } from '../http/route-contract';
import { operationResolver, type OperationRoute } from '../http/routes';

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
] as const satisfies readonly OperationRoute<PartnerDealOperation>[];

export type PartnerDealRouteKey = RouteKeyOf<(typeof partnerDealRoutes)[number]>;

export const resolvePartnerDealRoute = operationResolver<PartnerDealOperation>(partnerDealRoutes);
