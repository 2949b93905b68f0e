import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '../aws/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamInterest } from '../data/stream-interest';
import { findModule, modules } from '../modules/registry';
import { recordSortKey } from '../data/keys';

/**
 * Which stream records concern portal access, reduced to the people to reconcile. Pure: the controller
 * calls Cognito only for what this returns, so edits that do not touch access cost no Cognito or SES call.
 */
/** What the controller subscribes to: people, and partner organizations (their status decides their contacts'). */
export const accessStreamInterest: StreamInterest = {
  sortKey: recordSortKey,
  modules: [
    ...modules.filter((module) => module.kind === 'person').map((module) => module.name),
    'partner-organizations',
  ],
};

export interface StreamWork {
  /** Person id → sequence number of its first relevant record (what a batch item failure names). */
  readonly people: Map<string, string>;
  /** Partner organization id → sequence number: its partner contacts must be re-evaluated. */
  readonly organizations: Map<string, string>;
  readonly ignored: number;
}

type Image = Record<string, unknown> & { module?: string; portal?: Record<string, unknown> };

function image(value: Record<string, unknown> | undefined): Image | undefined {
  return value ? (unmarshall(value as Record<string, AttributeValue>) as Image) : undefined;
}

const enabled = (person: Image | undefined) => person?.portal?.enabled === true;

/** Fields whose change alters what Cognito should hold for a person with portal access. */
function personChangeTouchesAccess(before: Image | undefined, after: Image | undefined): boolean {
  if (!after) return before?.portal !== undefined; // deleted: a login (even a disabled one) may exist
  if (!enabled(before) && !enabled(after)) return false;
  return (
    enabled(before) !== enabled(after) ||
    before?.email !== after.email ||
    before?.portal?.username !== after.portal?.username ||
    before?.organizationId !== after.organizationId ||
    // The window decides whether the login is enabled today: an edit of it takes effect now, not at the daily check.
    before?.portal?.supportStartDate !== after.portal?.supportStartDate ||
    before?.portal?.supportEndDate !== after.portal?.supportEndDate
  );
}

export function planStreamWork(records: readonly DynamoDBRecord[]): StreamWork {
  const people = new Map<string, string>();
  const organizations = new Map<string, string>();
  let ignored = 0;
  for (const record of records) {
    const keys = record.dynamodb?.Keys;
    const sequence = record.dynamodb?.SequenceNumber;
    // Access state and history items live beside the record; only the record itself is a change of data.
    if (keys?.sk?.S !== recordSortKey || !keys.pk?.S || !sequence) {
      ignored++;
      continue;
    }
    const before = image(record.dynamodb?.OldImage);
    const after = image(record.dynamodb?.NewImage);
    const module = findModule((after ?? before)?.module ?? '');
    const id = keys.pk.S;
    const first = (map: Map<string, string>) => void (map.has(id) || map.set(id, sequence));
    if (module?.kind === 'person' && personChangeTouchesAccess(before, after)) first(people);
    else if (
      module?.name === 'partner-organizations' &&
      before &&
      after &&
      before.partnerStatus !== after.partnerStatus
    ) {
      first(organizations);
    } else ignored++;
  }
  return { people, organizations, ignored };
}
