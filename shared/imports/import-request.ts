import * as v from 'valibot';
import { text } from '../modules/fields';
import { importModules } from './import-columns';

/** What staff send to start an import (POST /imports); the OpenAPI document reads the same schema. */

/** Largest file an import takes: 100,000 rows of a typical CRM export fit well inside. */
export const maxImportBytes = 50 * 1024 * 1024;
/** How many of a phase's row errors the import shows inline; the report has them all. */
export const errorSampleSize = 100;

const fieldPath = v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, 'a field name'));

export const importRequest = v.strictObject({
  module: v.picklist(importModules),
  fileName: text(255),
  size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(maxImportBytes)),
  /** Header as written in the file → the field it holds (a dotted path, or externalId), or `null` to ignore it. */
  mapping: v.optional(v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(200)), v.nullable(fieldPath))),
});
export type ImportRequest = v.InferOutput<typeof importRequest>;
