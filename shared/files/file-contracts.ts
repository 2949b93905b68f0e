import {
  named,
  noStoreHeader,
  problem,
  success,
  type JsonSchema,
  type RouteContract,
  type RouteContracts,
} from '../http/route-contract';
import { pageQueryParameters } from '../records/list-query';
import { refusalMessage } from '../portal/portal-session';
import { maxFileNameLength } from './file-name';
import { fileRoutes, type FileRoute } from './file-routes';
import { presignedUploadSchema } from './presigned-upload-schema';
import { allowedContentTypes, maxFileBytes, presignedUrlSeconds, uploadRequest } from './file-rules';

/**
 * The file routes' contracts (functions/files-api.ts), one per route of shared/files/file-routes.ts, both sides
 * under the `Files` tag: the upload request is the schema the handler validates with.
 */

const fileId = { type: 'string', format: 'uuid', description: 'Time-ordered (UUID version 7).' } as const;
const fileName = { type: 'string', minLength: 1, maxLength: maxFileNameLength } as const;
const contentType = { type: 'string', enum: [...allowedContentTypes] } as const;
const size = { type: 'integer', minimum: 1, maximum: maxFileBytes } as const;
const minutes = presignedUrlSeconds / 60;

/** A file as a list shows it (file-service `fileView`); staff also see who started the upload. */
const fileSchema = (staff: boolean): JsonSchema => ({
  type: 'object',
  properties: {
    id: fileId,
    fileName,
    contentType,
    size,
    status: {
      type: 'string',
      enum: ['pending', 'uploaded'],
      description:
        '`pending` until the object has arrived in storage (then `uploaded`); a pending file is listed for an hour.',
    },
    createdAt: { type: 'string', format: 'date-time' },
    uploadedAt: { type: ['string', 'null'], format: 'date-time' },
    ...(staff ? { createdBy: { type: ['string', 'null'], description: '`staff:<sub>` or `portal:<personId>`.' } } : {}),
  },
  required: [
    'id',
    'fileName',
    'contentType',
    'size',
    'status',
    'createdAt',
    'uploadedAt',
    ...(staff ? ['createdBy'] : []),
  ],
  additionalProperties: false,
});

const filePage = (staff: boolean): JsonSchema => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: fileSchema(staff), description: 'Oldest first.' },
    nextCursor: {
      type: ['string', 'null'],
      description: 'Pass as `cursor` for the next page; `null` on the last page.',
    },
  },
  required: ['items', 'nextCursor'],
  additionalProperties: false,
});

const uploadAnswer = named('FileUpload', {
  type: 'object',
  properties: {
    attachment: {
      type: 'object',
      properties: { id: fileId, fileName, contentType, size, status: { const: 'pending' } },
      required: ['id', 'fileName', 'contentType', 'size', 'status'],
      additionalProperties: false,
    },
    upload: presignedUploadSchema(
      'Send the file as the body of one request: `method` to `url`, with exactly `headers` (Content-Type is signed, ' +
        'and so is the declared size: storage refuses another type or byte count).',
    ),
  },
  required: ['attachment', 'upload'],
  additionalProperties: false,
});

const downloadAnswer = named('FileDownload', {
  type: 'object',
  description:
    `A presigned GET that works for ${minutes} minutes; it answers the file with ` +
    "`Content-Disposition: attachment; filename*=UTF-8''…` and its stored type.",
  properties: {
    url: { type: 'string', format: 'uri' },
    expiresAt: { type: 'string', format: 'date-time' },
    fileName,
    contentType,
    size,
  },
  required: ['url', 'expiresAt', 'fileName', 'contentType', 'size'],
  additionalProperties: false,
});

const refused = problem(
  `Portal access is not effective now, whatever the reason ("${refusalMessage}"), or the person's portal does not ` +
    'include this module.',
);
const pageInvalid = problem(
  '`limit` is not a whole number from 1 to the maximum, the cursor is not valid, or a query parameter is unknown.',
  'ValidationProblem',
);

const names = {
  portal: {
    upload: { tickets: 'createPortalTicketAttachment', documents: 'createPortalDocumentFile' },
    list: 'listPortalTicketAttachments',
    download: 'getPortalTicketAttachmentDownload',
    latest: 'getPortalDocumentFileDownload',
  },
  staff: {
    upload: { tickets: 'createTicketAttachment', documents: 'createDocumentFile' },
    list: 'listTicketAttachments',
    download: 'getTicketAttachmentDownload',
    latest: 'getDocumentFileDownload',
  },
} as const;

function contractOf(route: FileRoute): RouteContract {
  const portal = route.auth === 'portal';
  const record = route.module === 'tickets' ? 'ticket' : 'document';
  const operationIds = names[route.auth];
  const recordId = { id: { description: `The ${record}'s id.`, schema: { type: 'string' } } };
  const missing = problem(
    portal
      ? `No such ${record} in the person’s portal (whether it exists elsewhere is not said).`
      : `There is no such ${record}.`,
  );
  const accessErrors: RouteContract['responses'] = portal ? { 403: refused } : {};
  switch (route.operation) {
    case 'upload':
      return {
        operationId: operationIds.upload[route.module],
        tag: 'Files',
        summary:
          route.module === 'tickets'
            ? 'Starts an attachment upload: a pending file and a short-lived presigned upload'
            : "Starts an upload of the document's file (it replaces the current one once uploaded)",
        pathParameters: recordId,
        requestBody: named('FileUploadRequest', uploadRequest()),
        responses: {
          201: success('The pending file and how to upload it.', uploadAnswer, noStoreHeader),
          400: problem(
            `The file is over ${maxFileBytes} bytes (10 MB), of a type not on the list, or the body is otherwise not ` +
              'valid; `errors` says which member.',
            'ValidationProblem',
          ),
          ...accessErrors,
          404: missing,
        },
      };
    case 'list':
      return {
        operationId: operationIds.list,
        tag: 'Files',
        summary: "The ticket's attachments, oldest first",
        pathParameters: recordId,
        query: pageQueryParameters,
        responses: {
          200: success('One page.', named(portal ? 'FilePage' : 'StaffFilePage', filePage(!portal)), noStoreHeader),
          400: pageInvalid,
          ...accessErrors,
          404: missing,
        },
      };
    case 'download':
      return {
        operationId: operationIds.download,
        tag: 'Files',
        summary: 'A short-lived download URL for one attachment, issued after the same checks as every request',
        pathParameters: {
          ...recordId,
          attachmentId: { description: "The attachment's id.", schema: { type: 'string' } },
        },
        responses: {
          200: success('Where to download it.', downloadAnswer, noStoreHeader),
          ...accessErrors,
          404: problem(`No such ${record} or attachment for this caller.`),
          409: problem('The attachment has not finished uploading.'),
        },
      };
    case 'latest':
      return {
        operationId: operationIds.latest,
        tag: 'Files',
        summary: "A short-lived download URL for the document's file, issued after the same checks as every request",
        pathParameters: recordId,
        responses: {
          200: success('Where to download it.', downloadAnswer, noStoreHeader),
          ...accessErrors,
          404: problem(
            portal
              ? 'No such document in the person’s portal, or it has no file.'
              : 'No such document, or it has no file.',
          ),
        },
      };
  }
}

// Built from the routes themselves, so each route has exactly one.
export const fileContracts = Object.fromEntries(
  fileRoutes.map((route) => [`${route.method} ${route.path}`, contractOf(route)]),
) as RouteContracts<(typeof fileRoutes)[number]>;
