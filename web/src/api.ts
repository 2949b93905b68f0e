/// <reference lib="dom" />
import type { components, paths } from './generated/api-types';
import { authorizedFetch, type ApiSession } from '../../browser/api-fetch';
import { portalMeta } from './portal-meta';

/**
 * The portal API, same origin as the app (CloudFront, or the local stand-in, forwards `/portal/*`), typed by the
 * OpenAPI document (generated/api-types.ts, `npm run api:types`): a call names its path template and gets the path
 * and query parameters, the body and the answer its operation declares. Types only: nothing of it reaches the bundle.
 */

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The portal's own routes: the only ones its origin forwards. */
export type PortalPath = Extract<keyof paths, `/portal/${string}`>;

/** Portal paths that have an operation for `method`. */
export type PathsWith<M extends Method> = {
  [P in PortalPath]: paths[P][M] extends { responses: unknown } ? P : never;
}[PortalPath];

export type Operation<P extends PortalPath, M extends Method> = Extract<paths[P][M], { responses: unknown }>;

type JsonBodyOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : undefined;

/** The body of an operation's success (2xx) answer; `undefined` for a 204. */
export type SuccessOf<O> = O extends { responses: infer Responses }
  ? {
      [Status in keyof Responses]: Status extends 200 | 201 | 202 | 204 ? JsonBodyOf<Responses[Status]> : never;
    }[keyof Responses]
  : never;

/** The JSON request body an operation takes. */
export type RequestBodyOf<O> = O extends { requestBody?: never }
  ? undefined // an action without a body (a resend)
  : O extends { requestBody?: { content: { 'application/json': infer Body } } }
    ? Body
    : never;

/** The path and query parameters an operation takes. */
export type ParametersOf<O> = O extends { parameters: infer Parameters }
  ? { [K in Extract<keyof Parameters, 'path' | 'query'> as Parameters[K] extends undefined ? never : K]: Parameters[K] }
  : Record<string, never>;

type Schemas = components['schemas'];
/** What the app shows, as the document names it. */
export type PortalProfile = Schemas['PortalProfile'];
export type PortalRecord = Schemas['PortalRecord'];
export type PortalRecordPage = Schemas['PortalRecordPage'];
/** A portal module's name, as `GET /portal/{module}` takes it. */
export type PortalModule = ParametersOf<Operation<'/portal/{module}', 'get'>>['path']['module'];

/** Fills a path template's `{name}` from `path` and appends the query: `/portal/{module}` → `/portal/invoices?limit=5`. */
function urlOf(template: string, parameters: { path?: object; query?: object }): string {
  const values = (parameters.path ?? {}) as Record<string, string>;
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters.query ?? {})) {
    if (value !== undefined && value !== null) query.set(name, String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

export { ApiError, type ApiFailure, type ApiSession, type Problem } from '../../browser/api-fetch';

export function createApi(session: ApiSession) {
  async function send(method: string, path: string, body: unknown, contentType = 'application/json'): Promise<unknown> {
    const response = await authorizedFetch(session, path, {
      method,
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Access no longer effective: the API's one refusal sentence, whatever the reason.
      isRefusal: (problem) => problem.status === 403 && problem.detail === portalMeta.refusalMessage,
    });
    if (response.status === 204) return undefined;
    return response.json();
  }

  // The answer is what the document declares for the operation; the contract tests hold the API to it.
  return {
    get: <P extends PathsWith<'get'>>(path: P, parameters: ParametersOf<Operation<P, 'get'>>) =>
      send('GET', urlOf(path, parameters), undefined) as Promise<SuccessOf<Operation<P, 'get'>>>,
    post: <P extends PathsWith<'post'>>(
      path: P,
      parameters: ParametersOf<Operation<P, 'post'>>,
      body: RequestBodyOf<Operation<P, 'post'>>,
    ) => send('POST', urlOf(path, parameters), body) as Promise<SuccessOf<Operation<P, 'post'>>>,
    put: <P extends PathsWith<'put'>>(
      path: P,
      parameters: ParametersOf<Operation<P, 'put'>>,
      body: RequestBodyOf<Operation<P, 'put'>>,
    ) => send('PUT', urlOf(path, parameters), body) as Promise<SuccessOf<Operation<P, 'put'>>>,
    patch: <P extends PathsWith<'patch'>>(
      path: P,
      parameters: ParametersOf<Operation<P, 'patch'>>,
      body: RequestBodyOf<Operation<P, 'patch'>>,
    ) =>
      // RFC 7396: what is given changes, `null` removes, the rest stays.
      send('PATCH', urlOf(path, parameters), body, 'application/merge-patch+json') as Promise<
        SuccessOf<Operation<P, 'patch'>>
      >,
  };
}

export type Api = ReturnType<typeof createApi>;

/** The self-service routes, one typed function each, their shapes those of the document (issue 15's API). */

type AnswerOf<P extends PathsWith<'get'>> = SuccessOf<Operation<P, 'get'>>;
export type Overview = AnswerOf<'/portal/overview'>;
export type NeedReason = Overview['components'][number]['needsYou'][number]['reason'];
export type Comment = AnswerOf<'/portal/tickets/{id}/comments'>['items'][number];
export type ProfilePatch = RequestBodyOf<Operation<'/portal/me', 'patch'>>;
export type Address = NonNullable<PortalProfile['mailingAddress']>;
export type QuoteDecision = SuccessOf<Operation<'/portal/quotes/{id}/decision', 'post'>>;
/** A ticket's attachment as the portal lists it. */
export type PortalFile = AnswerOf<'/portal/tickets/{id}/attachments'>['items'][number];

export type TicketRaise = RequestBodyOf<Operation<'/portal/tickets', 'post'>>;
export type DealRegistrationInput = RequestBodyOf<Operation<'/portal/deal-registrations', 'post'>>;
export type PartnerLead = AnswerOf<'/portal/leads/{id}'>;
export type LeadDecisionInput = RequestBodyOf<Operation<'/portal/leads/{id}/decision', 'post'>>;
export type LeadStage = RequestBodyOf<Operation<'/portal/leads/{id}/stage', 'put'>>['stage'];

/** Deal registration and assigned leads (issue 16). */
export const partnerDeals = (api: Api) => ({
  register: (deal: DealRegistrationInput) => api.post('/portal/deal-registrations', {}, deal),
  leads: (cursor?: string, limit = 10) => api.get('/portal/leads', { query: { limit, cursor } }),
  lead: (id: string) => api.get('/portal/leads/{id}', { path: { id } }),
  decide: (id: string, decision: LeadDecisionInput) =>
    api.post('/portal/leads/{id}/decision', { path: { id } }, decision),
  setStage: (id: string, stage: LeadStage) => api.put('/portal/leads/{id}/stage', { path: { id } }, { stage }),
});

export const selfService = (api: Api) => ({
  overview: () => api.get('/portal/overview', {}),
  raiseTicket: (ticket: TicketRaise) => api.post('/portal/tickets', {}, ticket),
  comments: (ticketId: string, cursor?: string) =>
    api.get('/portal/tickets/{id}/comments', { path: { id: ticketId }, query: { limit: 50, cursor } }),
  addComment: (ticketId: string, body: string) =>
    api.post('/portal/tickets/{id}/comments', { path: { id: ticketId } }, { body }),
  updateProfile: (patch: ProfilePatch) => api.patch('/portal/me', {}, patch),
  decideQuote: (quoteId: string, decision: 'accept' | 'decline', reason?: string) =>
    api.post('/portal/quotes/{id}/decision', { path: { id: quoteId } }, { decision, ...(reason ? { reason } : {}) }),
});

/** A partner admin's colleagues (issue 16). */
export type Colleague = SuccessOf<Operation<'/portal/colleagues', 'get'>>['items'][number];
export type ColleagueInvitation = RequestBodyOf<Operation<'/portal/colleagues', 'post'>>;
export type ColleagueChange = RequestBodyOf<Operation<'/portal/colleagues/{id}', 'patch'>>;

export const colleagues = (api: Api) => ({
  list: (cursor?: string) => api.get('/portal/colleagues', { query: { limit: 50, cursor } }),
  invite: (invitation: ColleagueInvitation) => api.post('/portal/colleagues', {}, invitation),
  update: (id: string, change: ColleagueChange) => api.patch('/portal/colleagues/{id}', { path: { id } }, change),
  resend: (id: string) => api.post('/portal/colleagues/{id}/invitations', { path: { id } }, undefined),
});
