import { Forbidden } from '../http/errors';
import type { HttpEvent } from '../http/http-handler';
import { idPrefixes } from '../modules/registry';
import { refusalMessage } from './portal-session';

const personId = new RegExp(
  `^(${[idPrefixes.contacts, idPrefixes.leads, idPrefixes['partner-contacts']].join('|')})_[0-9a-f-]{36}$`,
);

/** The person a portal access token belongs to: its Cognito username is the person's id. */
export function portalViewerOf(event: HttpEvent): string {
  const username = event.requestContext.authorizer?.jwt?.claims.username;
  if (typeof username !== 'string' || !personId.test(username)) throw new Forbidden(refusalMessage);
  return username;
}
