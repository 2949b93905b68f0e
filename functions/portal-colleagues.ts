import { createInvitationResender } from '../shared/access/access-admin';
import { provisionerOnDemand } from '../shared/access/provisioner-on-demand';
import { readProvisionerConfig } from '../shared/access/provisioner-environment';
import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import { NotFound } from '../shared/http/errors';
import { httpHandler, json } from '../shared/http/http-handler';
import { parseJsonBody } from '../shared/http/request';
import { findModule } from '../shared/modules/registry';
import { validate } from '../shared/modules/validate';
import { resolveColleagueRoute } from '../shared/partners/colleague-routes';
import { createColleagues } from '../shared/partners/colleagues';
import { createPortalGate } from '../shared/portal/portal-gate';
import { portalViewerOf } from '../shared/portal/portal-viewer';
import { pageQuery, pageSizeOf } from '../shared/records/list-query';
import { createRecordEditor } from '../shared/records/record-service';

// A resend is the staff resend (a fresh invitation now), so this function provisions as the staff access API does;
// only a resend provisions, so Cognito and SES are loaded on the first one.
const config = readProvisionerConfig();
const dynamo = new DynamoDBClient({});
const { provisioner } = provisionerOnDemand(config, dynamo);
const tableName = config.TABLE_NAME;
const portal = createPortalGate({ dynamo, tableName, timeZone: config.TIME_ZONE });
const records = createRecordEditor({ dynamo, tableName });
const invitations = createInvitationResender({ dynamo, tableName, provisioner });
const partnerContacts = findModule('partner-contacts')!;
const colleagues = createColleagues({
  dynamo,
  tableName,
  portal,
  records,
  resendInvitation: (personId, actor) => invitations.resendInvitation(partnerContacts, personId, actor),
});

const noStore = { 'cache-control': 'no-store' };

/** A partner admin's Colleagues page: list, invite, switch access and components, resend an invitation. */
export const handler = httpHandler(async (event) => {
  const operation = resolveColleagueRoute(event.routeKey);
  if (!operation) throw new NotFound(`No route ${event.routeKey}.`);
  const viewer = portalViewerOf(event);
  const id = event.pathParameters?.id ?? '';
  switch (operation) {
    case 'listColleagues': {
      const query = validate(pageQuery(), event.queryStringParameters ?? {}, 'query');
      return json(
        200,
        await colleagues.list(viewer, { limit: pageSizeOf(query.limit), cursor: query.cursor }),
        noStore,
      );
    }
    case 'inviteColleague': {
      const { created, colleague } = await colleagues.invite(viewer, parseJsonBody(event));
      return created ? json(201, colleague, { location: `/portal/colleagues/${colleague.id}` }) : json(200, colleague);
    }
    case 'updateColleague':
      return json(200, await colleagues.update(viewer, id, parseJsonBody(event)));
    case 'resendColleagueInvitation':
      return json(202, await colleagues.resendInvitation(viewer, id));
  }
});
