import { presignedUrlSeconds } from './file-rules';

/**
 * The `upload` object of an answer that hands the browser a presigned PUT (a ticket's attachment, a document's file,
 * an import's CSV): one shape in the OpenAPI document, each route saying in `description` what the upload is for.
 */
export function presignedUploadSchema(description: string) {
  return {
    type: 'object',
    description: `${description} The URL works for ${presignedUrlSeconds / 60} minutes.`,
    properties: {
      url: { type: 'string', format: 'uri' },
      method: { const: 'PUT' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      expiresAt: { type: 'string', format: 'date-time' },
    },
    required: ['url', 'method', 'headers', 'expiresAt'],
    additionalProperties: false,
  } as const;
}
