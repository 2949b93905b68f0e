import { idPrefixes } from '../modules/registry';
import type { HttpEvent } from '../http/http-handler';

const personId = new RegExp(
  `^(${[idPrefixes.contacts, idPrefixes.leads, idPrefixes['partner-contacts']].join('|')})_[0-9a-f-]{36}$`,
);

/** The person a portal access token belongs to (its Cognito username is the person's id), or `undefined`. */
export function portalPersonOf(event: HttpEvent): string | undefined {
  const username = event.requestContext.authorizer?.jwt?.claims.username;
  return typeof username === 'string' && personId.test(username) ? username : undefined;
}
