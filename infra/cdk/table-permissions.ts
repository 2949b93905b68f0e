import type { TableAccess } from '../../shared/declarations/functions';

/** Which ARNs a group of actions applies to: the table itself, or each of its secondary indexes (`<table>/index/<name>`). */
export type TableResourceScope = 'table' | 'indexes';

export interface TableGrant {
  readonly scope: TableResourceScope;
  readonly actions: readonly string[];
}

/**
 * The IAM actions behind each `TableAccess` level. Listed one by one, never as wildcards, so a new DynamoDB
 * action (or a typo) never widens what a function may do. No level includes Scan: the single-table design
 * reads by key and index only, and a Scan would read every kind of record at once.
 */
export const tableAccessGrants: Record<TableAccess, readonly TableGrant[]> = {
  // The health check's single GetItem on a key that never exists: proves reachability, reads nothing.
  probe: [{ scope: 'table', actions: ['dynamodb:GetItem'] }],
  read: [
    { scope: 'table', actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] },
    // Indexes only answer Query; GetItem and BatchGetItem do not apply to them.
    { scope: 'indexes', actions: ['dynamodb:Query'] },
  ],
  // TransactWriteItems is not an IAM action of its own: a transaction is authorized by the actions of the
  // operations inside it (Put/Update/Delete/ConditionCheck), so these four also cover transactions.
  write: [
    {
      scope: 'table',
      actions: [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:ConditionCheckItem',
      ],
    },
  ],
};

/**
 * Merges the grants of several access levels into one action list per resource scope, without duplicates
 * (a function with `probe` and `read` gets GetItem once). Scopes with no actions are left out.
 */
export function tableGrantsFor(access: readonly TableAccess[]): TableGrant[] {
  const byScope = new Map<TableResourceScope, Set<string>>();
  for (const level of access) {
    for (const grant of tableAccessGrants[level]) {
      const actions = byScope.get(grant.scope) ?? new Set<string>();
      grant.actions.forEach((action) => actions.add(action));
      byScope.set(grant.scope, actions);
    }
  }
  return [...byScope].map(([scope, actions]) => ({ scope, actions: [...actions].sort() }));
}
