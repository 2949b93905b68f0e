import { createAccessAdmin } from '../shared/access/access-admin';
import { portalUsersRoutes, resolveAccessRoute } from '../shared/access/access-routes';
import { listPortalUsers } from '../shared/portal-users/portal-users';
import { provisionerOnDemand } from '../shared/access/provisioner-on-demand';
import { readProvisionerConfig } from '../shared/access/provisioner-environment';
import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import { NotFound } from '../shared/http/errors';
import { httpHandler, json } from '../shared/http/http-handler';
import { staffActor } from '../shared/http/staff-actor';
import { provisioningBacklog, provisioningBacklogRoutes } from '../shared/provisioning/provisioning-backlog';
import { quotaRatesFrom } from '../shared/quotas/quota-rates';

/** How long a staff action waits for a quota permit before answering 503 with Retry-After (a backlog is draining). */
const permitWaitMs = 5_000;

const config = readProvisionerConfig();
const dynamo = new DynamoDBClient({});
// Status and the lists never call Cognito or SES: those are loaded by the first resend, reset or reconcile.
const { provisioner, passwordReset } = provisionerOnDemand(config, dynamo, () => Date.now() + permitWaitMs);
const [portalUsers] = portalUsersRoutes;
const [backlog] = provisioningBacklogRoutes;
const rates = quotaRatesFrom(config);
const admin = createAccessAdmin({
  dynamo,
  tableName: config.TABLE_NAME,
  provisioner,
  timeZone: config.TIME_ZONE,
  passwordReset,
});

/**
 * What staff see and can do about a person's portal access: status and history, resend, password reset, reconcile;
 * and the list of everyone with portal access.
 */
export const handler = httpHandler(async (event) => {
  if (event.routeKey === `${portalUsers.method} ${portalUsers.path}`) {
    const page = await listPortalUsers({ dynamo, tableName: config.TABLE_NAME }, event.queryStringParameters);
    return json(200, page, { 'cache-control': 'no-store' });
  }
  if (event.routeKey === `${backlog.method} ${backlog.path}`) {
    const view = await provisioningBacklog({ dynamo, tableName: config.TABLE_NAME, rates });
    return json(200, view, { 'cache-control': 'no-store' });
  }
  const route = resolveAccessRoute(event.routeKey);
  if (!route) throw new NotFound(`No route ${event.routeKey}.`);
  const actor = staffActor(event);
  const personId = event.pathParameters?.id ?? '';
  switch (route.operation) {
    case 'status':
      return json(200, await admin.status(route.module, personId), { 'cache-control': 'no-store' });
    case 'resendInvitation':
      return json(202, await admin.resendInvitation(route.module, personId, actor));
    case 'passwordReset':
      return json(202, await admin.requestPasswordReset(route.module, personId, actor));
    case 'reconcile':
      return json(200, await admin.reconcile(route.module, personId, actor));
  }
});
