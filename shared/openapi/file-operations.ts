import { problemContentType } from '../http/problem';
import { allowedContentTypes, maxFileBytes, presignedUrlSeconds } from '../files/file-rules';
import { maxFileNameLength } from '../files/file-name';
import { fileRoutes, type FileRoute } from '../files/file-routes';
import { maxPageSize } from '../records/list-query';

/**
 * The file routes' operations for the OpenAPI document (functions/files-api.ts): request and response bodies and
 * every status each route really answers, keyed by route like the document's other platform operations.
 */
type JsonObject = Record<string, unknown>;

const ref = (kind: 'schemas' | 'responses' | 'parameters' | 'headers', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});
const json = (schema: JsonObject) => ({ 'application/json': { schema } });
const correlationHeader = { 'x-correlation-id': ref('headers', 'CorrelationId') };
const noStore = { 'cache-control': { schema: { type: 'string', const: 'no-store' } } };
const problem = (description: string): JsonObject => ({
  description,
  headers: correlationHeader,
  content: { [problemContentType]: { schema: ref('schemas', 'Problem') } },
});
const ok = (description: string, schema: JsonObject, status = 200) => ({
  [status]: { description, headers: { ...correlationHeader, ...noStore }, content: json(schema) },
});

const fileId = { type: 'string', format: 'uuid', description: 'Time-ordered (UUID version 7).' };
const fileName = { type: 'string', minLength: 1, maxLength: maxFileNameLength };
const contentType = { type: 'string', enum: [...allowedContentTypes] };
const size = { type: 'integer', minimum: 1, maximum: maxFileBytes };
const status = {
  type: 'string',
  enum: ['pending', 'uploaded'],
  description:
    '`pending` until the object has arrived in storage (then `uploaded`); a pending file is listed for an hour.',
};

const fileSchema = (staff: boolean): JsonObject => ({
  type: 'object',
  properties: {
    id: fileId,
    fileName,
    contentType,
    size,
    status,
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
});

const uploadBody = {
  required: true,
  content: json({
    type: 'object',
    properties: {
      fileName: {
        type: 'string',
        minLength: 1,
        maxLength: 1024,
        description: `Stored without any path, control or reserved characters, at most ${maxFileNameLength} characters.`,
      },
      contentType: {
        type: 'string',
        description: `One of: ${allowedContentTypes.join(', ')} (parameters are dropped).`,
      },
      size: { ...size, description: `Bytes; at most ${maxFileBytes} (10 MB).` },
    },
    required: ['fileName', 'contentType', 'size'],
    additionalProperties: false,
  }),
};

const uploadAnswer = {
  type: 'object',
  properties: {
    attachment: {
      type: 'object',
      properties: { id: fileId, fileName, contentType, size, status: { const: 'pending' } },
      required: ['id', 'fileName', 'contentType', 'size', 'status'],
    },
    upload: {
      type: 'object',
      description:
        'Send the file as the body of one request: `method` to `url`, with exactly `headers` (Content-Type is signed, ' +
        'and so is the declared size: storage refuses another type or byte count). ' +
        `The URL works for ${presignedUrlSeconds / 60} minutes.`,
      properties: {
        url: { type: 'string', format: 'uri' },
        method: { const: 'PUT' },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        expiresAt: { type: 'string', format: 'date-time' },
      },
      required: ['url', 'method', 'headers', 'expiresAt'],
    },
  },
  required: ['attachment', 'upload'],
};

const downloadAnswer = {
  type: 'object',
  description:
    `A presigned GET that works for ${presignedUrlSeconds / 60} minutes; it answers the file with ` +
    "`Content-Disposition: attachment; filename*=UTF-8''…` and its stored type.",
  properties: {
    url: { type: 'string', format: 'uri' },
    expiresAt: { type: 'string', format: 'date-time' },
    fileName,
    contentType,
    size,
  },
  required: ['url', 'expiresAt', 'fileName', 'contentType', 'size'],
};

const bodyErrors = {
  400: {
    ...(ref('responses', 'BadRequest') as JsonObject),
    description: 'The file is over 10 MB, of a type not on the list, or the body is otherwise not valid.',
  },
  413: ref('responses', 'PayloadTooLarge'),
  415: ref('responses', 'UnsupportedMediaType'),
};
const refused = problem(
  'Portal access is not effective now (one answer whatever the reason), or the person’s portal does not include this module.',
);

function operation(route: FileRoute): JsonObject {
  const portal = route.auth === 'portal';
  const side = portal ? 'Portal' : 'Staff';
  const record = route.module === 'tickets' ? 'ticket' : 'document';
  const missing = problem(
    portal
      ? `No such ${record} in the person’s portal (whether it exists elsewhere is not said).`
      : `There is no such ${record}.`,
  );
  const accessErrors = portal ? { 403: refused } : {};
  switch (route.operation) {
    case 'upload':
      return {
        operationId: `${side.toLowerCase()}${route.module === 'tickets' ? 'UploadTicketAttachment' : 'UploadDocumentFile'}`,
        summary:
          route.module === 'tickets'
            ? 'Starts an attachment upload: a pending file and a short-lived presigned upload'
            : "Starts an upload of the document's file (it replaces the current one once uploaded)",
        requestBody: uploadBody,
        responses: {
          ...ok('The pending file and how to upload it.', uploadAnswer, 201),
          ...bodyErrors,
          ...accessErrors,
          404: missing,
        },
      };
    case 'list':
      return {
        operationId: `${side.toLowerCase()}ListTicketAttachments`,
        summary: "The ticket's attachments, oldest first",
        parameters: [ref('parameters', 'Limit'), ref('parameters', 'Cursor')],
        responses: {
          ...ok('One page.', {
            type: 'object',
            properties: {
              items: { type: 'array', items: fileSchema(!portal) },
              nextCursor: { type: ['string', 'null'] },
            },
            required: ['items', 'nextCursor'],
          }),
          400: {
            ...(ref('responses', 'BadRequest') as JsonObject),
            description: `\`limit\` is not a whole number from 1 to ${maxPageSize}, or the cursor is not valid.`,
          },
          ...accessErrors,
          404: missing,
        },
      };
    case 'download':
      return {
        operationId: `${side.toLowerCase()}DownloadTicketAttachment`,
        summary: 'A short-lived download URL for one attachment, issued after the same checks as every request',
        responses: {
          ...ok('Where to download it.', downloadAnswer),
          ...accessErrors,
          404: problem(`No such ${record} or attachment for this caller.`),
          409: problem('The attachment has not finished uploading.'),
        },
      };
    case 'latest':
      return {
        operationId: `${side.toLowerCase()}DownloadDocumentFile`,
        summary: "A short-lived download URL for the document's file, issued after the same checks as every request",
        responses: {
          ...ok('Where to download it.', downloadAnswer),
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

export const fileOperations: Record<string, { tag: string; operation: JsonObject }> = Object.fromEntries(
  fileRoutes.map((route) => [`${route.method} ${route.path}`, { tag: 'files', operation: operation(route) }]),
);
