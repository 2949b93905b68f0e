import type { HttpMethod } from '../http/routes';

export type ColleagueOperation = 'listColleagues' | 'inviteColleague' | 'updateColleague' | 'resendColleagueInvitation';

/**
 * A partner admin's management of the colleagues of their own partner organization (functions/portal-colleagues.ts).
 * Every route needs a token of the portal pool and a person staff flagged `portal.partnerAdmin`.
 */
export const colleagueRoutes = [
  { method: 'GET', path: '/portal/colleagues', operation: 'listColleagues' },
  { method: 'POST', path: '/portal/colleagues', operation: 'inviteColleague' },
  { method: 'PATCH', path: '/portal/colleagues/{id}', operation: 'updateColleague' },
  { method: 'POST', path: '/portal/colleagues/{id}/invitations', operation: 'resendColleagueInvitation' },
] as const satisfies readonly { method: HttpMethod; path: string; operation: ColleagueOperation }[];

export type ColleagueRoute = (typeof colleagueRoutes)[number];

const byRouteKey = new Map<string, ColleagueOperation>(
  colleagueRoutes.map((route) => [`${route.method} ${route.path}`, route.operation]),
);

export function resolveColleagueRoute(routeKey: string): ColleagueOperation | undefined {
  return byRouteKey.get(routeKey);
}
