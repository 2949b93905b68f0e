import { Unauthorized } from './errors';
import type { HttpEvent } from './http-handler';

/** The staff user the authorizer vouched for: recorded as createdBy/updatedBy and in access history. */
export function staffActor(event: HttpEvent): string {
  const subject = event.requestContext.authorizer?.jwt?.claims.sub;
  if (typeof subject !== 'string' || !subject) throw new Unauthorized('This route needs a staff access token.');
  return subject;
}
