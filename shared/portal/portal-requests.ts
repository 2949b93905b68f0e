import * as z from 'zod/mini';
import { onFirstUse } from '../modules/on-first-use';
import { pageQuery } from '../records/list-query';

/**
 * The bodies and queries the portal API accepts: functions/portal-api.ts validates with these, and the OpenAPI
 * document (shared/portal/portal-contracts.ts) describes them from the same schemas.
 */

const pin = () => z.string().check(z.regex(/^\d{4,8}$/, { message: '4 to 8 digits' }));

/** `PUT /portal/pin`: the first PIN, or a change with the current one. */
export const pinChangeRequest = onFirstUse(() => z.strictObject({ currentPin: z.optional(pin()), newPin: pin() }));

/** `POST /portal/sales-orders/{id}/signature`. */
export const signingRequest = onFirstUse(() => z.strictObject({ pin: pin() }));

/** `GET /portal/{module}`: a page, nothing else. */
export const portalPageQuery = pageQuery;
