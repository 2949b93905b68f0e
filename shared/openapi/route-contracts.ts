import { accessContracts } from '../access/access-contracts';
import { portalUsersContracts } from '../portal-users/portal-users-contracts';
import { accessRoutes } from '../access/access-routes';
import type { RouteContract } from '../http/route-contract';
import type { RouteBinding } from '../http/routes';
import type { ModuleDeclaration } from '../modules/registry';
import { fileContracts } from '../files/file-contracts';
import { partnerDealContracts } from '../deals/partner-deal-contracts';
import { importContracts } from '../imports/import-contracts';
import { portalContracts } from '../portal/portal-contracts';
import { selfServiceContracts } from '../portal/self-service-contracts';
import { portalTicketContracts } from '../tickets/portal-ticket-contracts';
import { ticketCommentContracts } from '../tickets/ticket-comment-contracts';
import { platformContracts } from './platform-contracts';
import { colleagueContracts } from '../partners/colleague-contracts';
import { provisioningBacklogContracts } from '../provisioning/provisioning-backlog-contracts';

/**
 * Every area's route contracts, by route key: the OpenAPI document reads them from here. An area with new routes
 * adds its map (typed `RouteContracts<…>` over its routes) in one line below. The record routes of every module are
 * described from the module registry itself (openapi-document.ts `moduleOperation`).
 */
const declared: Readonly<Record<string, RouteContract>> = {
  ...portalContracts,
  ...selfServiceContracts,
  ...portalTicketContracts,
  ...ticketCommentContracts,
  ...fileContracts,
  ...platformContracts,
  ...colleagueContracts,
  ...partnerDealContracts,
  ...importContracts,
  ...portalUsersContracts,
  ...provisioningBacklogContracts,
};

/** The contract declared for a route, if any. */
export function declaredContract(
  route: Pick<RouteBinding, 'routeKey'>,
  modules?: readonly ModuleDeclaration[],
): RouteContract | undefined {
  const access = accessRoutes(modules).find((candidate) => candidate.routeKey === route.routeKey);
  return access ? accessContracts[access.operation](access.module) : declared[route.routeKey];
}
