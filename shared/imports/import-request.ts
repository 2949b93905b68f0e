import * as z from 'zod/mini';
import { text } from '../modules/fields';
import { importModules } from './import-columns';

/** What staff send to start an import (POST /imports); the OpenAPI document reads the same schema. */

/** Largest file an import takes: 100,000 rows of a typical CRM export fit well inside. */
export const maxImportBytes = 50 * 1024 * 1024;
/** How many of a phase's row errors the import shows inline; the report has them all. */
export const errorSampleSize = 100;

const fieldPath = z
  .string()
  .check(z.regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, { message: 'a field name' }));

export const importRequest = z.strictObject({
  module: z.enum(importModules),
  fileName: text(255),
  size: z.int().check(z.gte(1), z.lte(maxImportBytes)),
  /** Header as written in the file → the field it holds (a dotted path, or externalId), or `null` to ignore it. */
  mapping: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(200)), z.nullable(fieldPath))),
});
export type ImportRequest = z.infer<typeof importRequest>;
