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
}

/** Inserts and updates are judged on the new image; a removal has only the old one. */
export function matchesInterest(record: DynamoDBRecord, interest: StreamInterest): boolean {
  const change = record.dynamodb;
  if (change?.Keys?.[tableDesign.sortKey]?.S !== interest.sortKey) return false;
  const image = record.eventName === 'REMOVE' ? change.OldImage : change.NewImage;
  const module = image?.module?.S;
  return module !== undefined && interest.modules.includes(module);
}
