import {
  named,
  noStoreHeader,
  problem,
  success,
  type JsonSchema,
  type RouteContract,
  type RouteContracts,
} from '../http/route-contract';
import { presignedUrlSeconds } from '../files/file-rules';
import { presignedUploadSchema } from '../files/presigned-upload-schema';
import { importRoutes, type ImportRoute } from './import-routes';
import { importRequest } from './import-request';

/** The import routes' contracts (functions/imports-api.ts), under the `Imports` tag. */

const count = { type: 'integer', minimum: 0 } as const;
const rowError: JsonSchema = {
  type: 'object',
  properties: {
    row: { type: 'integer', minimum: 2, description: "The row's number in the file; the header is row 1." },
    field: {
      type: 'string',
      description: 'The field as a dotted path (`portal.enabled`); empty for the row as a whole.',
    },
    reason: { type: 'string' },
  },
  required: ['row', 'field', 'reason'],
  additionalProperties: false,
};
const rowErrors = (what: string): JsonSchema => ({
  type: 'array',
  items: rowError,
  description: `${what} The first 100, by row; the error report has them all.`,
});

const importView = named('Import', {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    module: {
      type: 'string',
      enum: ['contacts', 'leads', 'partner-contacts', 'organizations', 'partner-organizations'],
    },
    fileName: { type: 'string' },
    size: { type: 'integer', minimum: 1 },
    status: {
      type: 'string',
      enum: ['awaitingUpload', 'validating', 'validated', 'refused', 'committing', 'completed'],
      description:
        '`awaitingUpload` → (dry-run) `validating` → `validated` → (commit) `committing` → `completed`; `refused` when ' +
        'the file as a whole cannot be imported (`problems` says why).',
    },
    createdAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string' },
    updatedAt: { type: 'string', format: 'date-time' },
    rows: {
      type: ['integer', 'null'],
      minimum: 0,
      description: 'Data rows in the file, once the dry run has read it.',
    },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        properties: { column: { type: 'string' }, reason: { type: 'string' } },
        required: ['column', 'reason'],
        additionalProperties: false,
      },
      description: 'What stops the whole file: unknown or repeated columns, a missing key column, not CSV.',
    },
    dryRun: {
      type: ['object', 'null'],
      properties: {
        rowsRead: count,
        valid: count,
        failed: count,
        errors: rowErrors('Rows the commit would refuse.'),
      },
      required: ['rowsRead', 'valid', 'failed', 'errors'],
      additionalProperties: false,
    },
    progress: {
      type: ['object', 'null'],
      description: 'The commit, once started: rows read so far and what became of them.',
      properties: {
        rowsRead: count,
        created: count,
        updated: count,
        unchanged: count,
        failed: count,
        errors: rowErrors('Rows refused.'),
      },
      required: ['rowsRead', 'created', 'updated', 'unchanged', 'failed', 'errors'],
      additionalProperties: false,
    },
    errorReport: {
      type: ['object', 'null'],
      description: `Every refused row of the last finished phase as CSV (row, field, reason): a presigned GET that works for ${presignedUrlSeconds / 60} minutes.`,
      properties: {
        url: { type: 'string', format: 'uri' },
        expiresAt: { type: 'string', format: 'date-time' },
        phase: { type: 'string', enum: ['dryRun', 'commit'] },
      },
      required: ['url', 'expiresAt', 'phase'],
      additionalProperties: false,
    },
  },
  required: [
    'id',
    'module',
    'fileName',
    'size',
    'status',
    'createdAt',
    'createdBy',
    'updatedAt',
    'rows',
    'problems',
    'dryRun',
    'progress',
    'errorReport',
  ],
  additionalProperties: false,
});

const created = named('ImportCreated', {
  type: 'object',
  properties: {
    import: importView.schema,
    upload: presignedUploadSchema(
      'PUT the file as the body, with exactly `headers` (Content-Type and the declared size are signed).',
    ),
  },
  required: ['import', 'upload'],
  additionalProperties: false,
});

const importId = { id: { description: "The import's id.", schema: { type: 'string' } } };
const missing = problem('There is no such import.');

function contractOf(route: ImportRoute): RouteContract {
  switch (route.operation) {
    case 'create':
      return {
        operationId: 'createImport',
        tag: 'Imports',
        summary: 'Starts a CSV import of people or organizations: the import and a presigned upload of its file',
        requestBody: named('ImportRequest', importRequest),
        responses: {
          201: success('The import, awaiting its file.', created, noStoreHeader),
          400: problem(
            'The module cannot be imported, the size is out of bounds, or the mapping is not valid.',
            'ValidationProblem',
          ),
        },
      };
    case 'get':
      return {
        operationId: 'getImport',
        tag: 'Imports',
        summary: "An import's status, dry run, progress and error report",
        pathParameters: importId,
        responses: { 200: success('The import.', importView, noStoreHeader), 404: missing },
      };
    case 'dryRun':
      return {
        operationId: 'startImportDryRun',
        tag: 'Imports',
        summary: 'Validates every row of the uploaded file with the module’s own rules, writing nothing',
        pathParameters: importId,
        responses: {
          202: success('The dry run has started; follow it with GET.', importView, noStoreHeader),
          404: missing,
          409: problem('The file has not been uploaded yet, or the dry run has started already.'),
        },
      };
    case 'commit':
      return {
        operationId: 'commitImport',
        tag: 'Imports',
        summary: 'Writes the valid rows: each creates or updates the record its email or externalId matches',
        pathParameters: importId,
        responses: {
          202: success('The commit has started; follow it with GET.', importView, noStoreHeader),
          404: missing,
          409: problem('The dry run has not finished, the file was refused, or the import is committed already.'),
        },
      };
  }
}

// Built from the routes themselves, so each route has exactly one.
export const importContracts = Object.fromEntries(
  importRoutes.map((route) => [`${route.method} ${route.path}`, contractOf(route)]),
) as RouteContracts<(typeof importRoutes)[number]>;
