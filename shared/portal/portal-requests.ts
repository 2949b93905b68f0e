import * as v from 'valibot';
import { onFirstUse } from '../modules/on-first-use';
import { pageQuery } from '../records/list-query';

/**
 * The bodies and queries the portal API accepts: functions/portal-api.ts validates with these, and the OpenAPI
 * document (shared/portal/portal-contracts.ts) describes them from the same schemas.
 */

const pin = () => v.pipe(v.string(), v.regex(/^\d{4,8}$/, '4 to 8 digits'));

/** `PUT /portal/pin`: the first PIN, or a change with the current one. */
export const pinChangeRequest = onFirstUse(() => v.strictObject({ currentPin: v.optional(pin()), newPin: pin() }));

/** `POST /portal/sales-orders/{id}/signature`. */
export const signingRequest = onFirstUse(() => v.strictObject({ pin: pin() }));

/** `GET /portal/{module}`: a page, nothing else. */
export const portalPageQuery = pageQuery;
