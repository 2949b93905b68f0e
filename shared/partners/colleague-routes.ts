import { operationResolver, type OperationRoute } from '../http/routes';

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
] as const satisfies readonly OperationRoute<ColleagueOperation>[];

export type ColleagueRoute = (typeof colleagueRoutes)[number];

export const resolveColleagueRoute = operationResolver<ColleagueOperation>(colleagueRoutes);
