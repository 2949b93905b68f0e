import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ModuleDeclaration } from '../modules/registry';
import type { WritePlan } from '../data/write-plan';
import { accessKey, accessListAttributes, historyItem } from './access-state';

/**
 * What a staff write does to portal access, inside the same transaction as the write itself: ticking the
 * portal flag sets the state to `pending` with a new enablement (one invitation per enablement) and logs
 * who did it; unticking logs it. The controller does the rest from the stream.
 */
export function planAccessChange(
  plan: WritePlan,
  change: {
    readonly tableName: string;
    readonly module: ModuleDeclaration;
    readonly personId: string;
    readonly before: Record<string, unknown>;
    readonly after: Record<string, unknown>;
    readonly actor: string;
    readonly at: string;
  },
) {
  if (change.module.kind !== 'person') return;
  const enabledBefore = (change.before.portal as { enabled?: boolean } | undefined)?.enabled === true;
  const enabledAfter = (change.after.portal as { enabled?: boolean } | undefined)?.enabled === true;
  if (enabledBefore === enabledAfter) return;
  const { tableName, personId, at } = change;
  if (enabledAfter) {
    const values = {
      ':pending': 'pending',
      ':enablement': randomUUID(),
      ':at': at,
      ':zero': 0,
      ':person': personId,
      ...Object.fromEntries(Object.entries(accessListAttributes(personId)).map(([name, value]) => [`:${name}`, value])),
    };
    plan.add({
      Update: {
        TableName: tableName,
        Key: marshall(accessKey(personId)),
        UpdateExpression:
          'SET #status = :pending, enablementId = :enablement, updatedAt = :at, failures = :zero, personId = :person, ' +
          `${Object.keys(accessListAttributes(personId))
            .map((name) => `${name} = :${name}`)
            .join(', ')} ` +
          'REMOVE reason, lastError',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshall(values),
      },
    });
  }
  plan.add({
    Put: {
      TableName: tableName,
      Item: marshall(
        historyItem(personId, {
          at,
          actor: `staff:${change.actor}`,
          event: enabledAfter ? 'portalEnabled' : 'portalDisabled',
        }),
      ),
    },
  });
}
