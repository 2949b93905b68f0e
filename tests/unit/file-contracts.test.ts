import Ajv2020 from 'ajv/dist/2020';
import { routeTable } from '../../shared/declarations/functions';
import { newFileId } from '../../shared/files/file-objects';
import { fileRoutes } from '../../shared/files/file-routes';
import { allowedContentTypes, maxFileBytes } from '../../shared/files/file-rules';
import { fileView, staffFileView } from '../../shared/files/file-service';
import { modules } from '../../shared/modules/registry';
import { buildOpenApiDocument, type JsonObject } from '../../shared/openapi/openapi-document';

/** The file routes in the OpenAPI document say what functions/files-api.ts really answers. */
const document = buildOpenApiDocument({ routes: routeTable(), modules });
const operation = (method: string, path: string) => document.paths[path]![method.toLowerCase()] as JsonObject;
const statusesOf = (method: string, path: string) =>
  Object.keys(operation(method, path).responses as JsonObject).map(Number);

function validatorFor(name: string) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false, allErrors: true });
  ajv.addVocabulary(['components']);
  ajv.addSchema({ $id: 'urn:portico:openapi', components: { schemas: document.components.schemas } });
  const validate = ajv.getSchema(`urn:portico:openapi#/components/schemas/${name}`)!;
  return (value: unknown) => (validate(value) ? [] : (validate.errors ?? []));
}

const stored = {
  id: newFileId(),
  recordId: 'tkt_0b6a3c1e-2f4d-4e8a-9c7b-1a2b3c4d5e6f',
  module: 'tickets' as const,
  fileName: 'invoice.pdf',
  contentType: 'application/pdf',
  size: 1234,
  status: 'uploaded' as const,
  createdAt: '2026-03-02T10:00:00.000Z',
  uploadedAt: '2026-03-02T10:00:05.000Z',
  createdBy: 'portal:con_1',
};

describe('the file contracts', () => {
  it('describe every file route under Files, in the API’s words, each side under its own pool', () => {
    expect(fileRoutes.map((route) => operation(route.method, route.path).operationId)).toEqual([
      'createPortalTicketAttachment',
      'listPortalTicketAttachments',
      'getPortalTicketAttachmentDownload',
      'getPortalDocumentFileDownload',
      'createTicketAttachment',
      'listTicketAttachments',
      'getTicketAttachmentDownload',
      'createDocumentFile',
      'getDocumentFileDownload',
    ]);
    for (const route of fileRoutes) {
      expect(operation(route.method, route.path)).toMatchObject({
        tags: ['Files'],
        security: [route.auth === 'portal' ? { portalJwt: [] } : { staffJwt: [] }],
      });
    }
  });

  it('give each route the statuses its handler answers: 403 on the portal side only, 409 for an unfinished upload', () => {
    const expected = {
      upload: [201, 400, 401, 404, 413, 415, 429, 500, 503],
      list: [200, 400, 401, 404, 429, 500, 503],
      download: [200, 401, 404, 409, 429, 500, 503],
      latest: [200, 401, 404, 429, 500, 503],
    };
    for (const route of fileRoutes) {
      const statuses = [...expected[route.operation], ...(route.auth === 'portal' ? [403] : [])].sort((a, b) => a - b);
      expect([route.path, statusesOf(route.method, route.path)]).toEqual([route.path, statuses]);
    }
  });

  it('take the upload request from the validator: the size bounded, unknown members refused', () => {
    const request = validatorFor('FileUploadRequest');
    expect(request({ fileName: 'a.pdf', contentType: 'application/pdf', size: 10 })).toEqual([]);
    expect(request({ fileName: 'a.pdf', contentType: 'application/pdf', size: maxFileBytes + 1 })).not.toEqual([]);
    expect(request({ fileName: 'a.pdf', contentType: 'application/pdf', size: 10, bucket: 'x' })).not.toEqual([]);
  });

  it('describe the files each side lists: staff also see who started the upload', () => {
    expect(validatorFor('FilePage')({ items: [fileView(stored)], nextCursor: null })).toEqual([]);
    expect(validatorFor('StaffFilePage')({ items: [staffFileView(stored)], nextCursor: 'abc' })).toEqual([]);
    expect(
      validatorFor('StaffFilePage')({
        items: [staffFileView({ ...stored, status: 'pending', uploadedAt: null })],
        nextCursor: null,
      }),
    ).toEqual([]);
    // The portal's page is closed: a staff item (with createdBy) does not pass for it.
    expect(validatorFor('FilePage')({ items: [staffFileView(stored)], nextCursor: null })).not.toEqual([]);
    expect(
      validatorFor('FilePage')({ items: [{ ...fileView(stored), contentType: 'text/html' }], nextCursor: null }),
    ).not.toEqual([]);
    expect(allowedContentTypes).toContain(stored.contentType);
  });
});
