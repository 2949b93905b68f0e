import { importChunkPrefix, importItemModule, importSortKey } from '../data/keys';
import type { StreamInterest } from '../data/stream-interest';

/**
 * What the function registry says about imports, kept apart from the import code so that reading the registry
 * (the OpenAPI function does) bundles none of it.
 */

/** The files bucket's prefix of imports' objects, which IAM grants the import functions alone. */
export const importObjectPrefix = 'imports/';

/** The worker's stream records: import items (by their `module`) and new chunks. */
export const importStreamInterest: StreamInterest = {
  sortKey: importSortKey,
  modules: [importItemModule],
  insertsUnderPrefixes: [importChunkPrefix],
};
