import type { ModuleDeclaration } from '../modules/registry';
import type { WritePlan } from '../data/write-plan';
import { portalFlagItems } from './access-machine';

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
  const { personId, actor, at } = change;
  for (const item of portalFlagItems(change.tableName, { personId, enabled: enabledAfter, actor, at })) plan.add(item);
}
