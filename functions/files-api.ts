import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import * as v from 'valibot';
import { readConfig } from '../shared/config/read-config';
import { timeZone } from '../shared/config/time-zone';
import { portalViewerOf } from '../shared/data/keys';
import {
  createFileService,
  fileView,
  staffFileView,
  type FileActor,
  type FileTarget,
} from '../shared/files/file-service';
import { createFileStore, createS3Client } from '../shared/files/file-store';
import { uploadRequest, type UploadRequest } from '../shared/files/file-rules';
import { resolveFileRoute, type FileRoute } from '../shared/files/file-routes';
import { Forbidden, NotFound } from '../shared/http/errors';
import { httpHandler, json, type HttpEvent } from '../shared/http/http-handler';
import { parseJsonBody } from '../shared/http/request';
import { staffActor } from '../shared/http/staff-actor';
import { validate } from '../shared/modules/validate';
import { portalPersonOf } from '../shared/portal/portal-person';
import { createPortalService } from '../shared/portal/portal-service';
import { refusalMessage } from '../shared/portal/portal-session';
import { pageQuery, pageSizeOf } from '../shared/records/list-query';

const config = readConfig(
  v.object({
    TABLE_NAME: v.pipe(v.string(), v.minLength(1)),
    TIME_ZONE: timeZone,
    FILES_BUCKET_NAME: v.pipe(v.string(), v.minLength(1)),
  }),
);
const dynamo = new DynamoDBClient({});
const portal = createPortalService({ dynamo, tableName: config.TABLE_NAME, timeZone: config.TIME_ZONE });
const files = createFileService({
  dynamo,
  tableName: config.TABLE_NAME,
  store: createFileStore({ s3: createS3Client(), bucket: config.FILES_BUCKET_NAME }),
});
const noStore = { 'cache-control': 'no-store' };

/**
 * Who is asking, checked as every request of their side is: staff by the staff authorizer; a portal person by the
 * same access and visibility re-check as every portal request (a 403 when access is not effective now, a 404 for a
 * record they cannot see), which also tells the viewer key the write is conditioned on.
 */
async function actorFor(route: FileRoute, event: HttpEvent, target: FileTarget): Promise<FileActor> {
  if (route.auth === 'staff') {
    const sub = staffActor(event);
    await files.assertRecord(target);
    return { kind: 'staff', sub };
  }
  const personId = portalPersonOf(event);
  if (!personId) throw new Forbidden(refusalMessage);
  const record = await portal.get(personId, target.module, target.recordId);
  const viewer = portalViewerOf(record);
  if (!viewer) throw new NotFound(`There is no ${target.module} ${target.recordId} in your portal.`);
  return { kind: 'portal', personId, viewer };
}

/** Attachments of tickets and a document's file, for staff and portal users: presigned URLs, never the bytes. */
export const handler = httpHandler(async (event) => {
  const route = resolveFileRoute(event.routeKey);
  if (!route) throw new NotFound(`No route ${event.routeKey}.`);
  const { id = '', attachmentId = '' } = event.pathParameters ?? {};
  const target: FileTarget = { module: route.module, recordId: id };
  const actor = await actorFor(route, event, target);
  const shown = actor.kind === 'staff' ? staffFileView : fileView;

  switch (route.operation) {
    case 'upload': {
      const file = validate(uploadRequest(), parseJsonBody(event), 'file') as UploadRequest;
      return json(201, await files.requestUpload(target, file, actor), noStore);
    }
    case 'list': {
      const query = validate(pageQuery(), event.queryStringParameters ?? {}, 'query');
      const result = await files.list(target, { limit: pageSizeOf(query.limit), cursor: query.cursor });
      return json(200, { items: result.items.map(shown), nextCursor: result.nextCursor }, noStore);
    }
    case 'download':
      return json(200, await files.download(target, attachmentId), noStore);
    case 'latest':
      return json(200, await files.latestUploaded(target), noStore);
  }
});
