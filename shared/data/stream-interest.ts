import type { DynamoDBRecord } from 'aws-lambda';
import { tableDesign } from './table-design';

/**
 * Which stream records a subscriber wants: items of one sort key (the CRM record itself, not the items kept
 * beside it) belonging to some modules. Declared once per subscription (shared/declarations/functions.ts); Lambda's filter
 * criteria are built from it in the cloud and the local event source applies `matchesInterest`, so both drop
 * the same records before the handler runs.
 */
export interface StreamInterest {
  readonly sortKey: string;
  readonly modules: readonly string[];
  /** Also new items kept beside a record whose sort key starts with one of these (a ticket's comments). */
  readonly insertsUnderPrefixes?: readonly string[];
}

/** Inserts and updates are judged on the new image; a removal has only the old one. */
export function matchesInterest(record: DynamoDBRecord, interest: StreamInterest): boolean {
  const change = record.dynamodb;
  const sortKey = change?.Keys?.[tableDesign.sortKey]?.S;
  if (record.eventName === 'INSERT' && interest.insertsUnderPrefixes?.some((prefix) => sortKey?.startsWith(prefix))) {
    return true;
  }
  if (!change || sortKey !== interest.sortKey) return false;
  const image = record.eventName === 'REMOVE' ? change.OldImage : change.NewImage;
  const module = image?.module?.S;
  return module !== undefined && interest.modules.includes(module);
}
