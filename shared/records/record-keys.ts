/**
 * The record keys moved to the key catalog, shared/data/keys.ts; this module names them for code written against
 * its old path. New code imports shared/data/keys.ts.
 */
export {
  claimKey,
  claimSortKey,
  indexAttributes,
  internalAttributes,
  isRecordIdOf,
  newRecordId,
  pinAttemptsKey,
  pinAttemptsSortKey,
  portalPartition,
  portalViewerKey,
  portalViewerOf,
  recordKey,
  recordSortKey,
  type ClaimKind,
} from '../data/keys';
