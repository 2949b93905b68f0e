import { GetItemCommand, ResourceNotFoundException } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '../data/marshall-key';
import { healthProbeKey } from '../data/keys';

export type CheckStatus = 'ok' | 'fail';

export interface DependencyCheck {
  readonly status: CheckStatus;
  readonly latencyMs: number;
  /** Why the check failed, in words safe to show anyone (no hostnames, no stack). */
  readonly reason?: string;
}

export interface HealthReport {
  readonly status: CheckStatus;
  readonly checks: { readonly table: DependencyCheck };
}

export interface HealthDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly timeoutMs: number;
  readonly now?: () => number;
}

/** Reads a key that never exists: proves the table is reachable and readable, costs half a read unit. */
async function checkTable({ dynamo, tableName, timeoutMs, now = () => performance.now() }: HealthDependencies) {
  const started = now();
  const latency = () => Math.round(now() - started);
  try {
    await dynamo.send(new GetItemCommand({ TableName: tableName, Key: marshall(healthProbeKey) }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return { status: 'ok', latencyMs: latency() } as const;
  } catch (error) {
    const reason =
      error instanceof ResourceNotFoundException
        ? 'table not found'
        : (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError'
          ? `no answer within ${timeoutMs} ms`
          : 'unreachable';
    return { status: 'fail', latencyMs: latency(), reason } as const;
  }
}

export async function checkHealth(deps: HealthDependencies): Promise<HealthReport> {
  const table = await checkTable(deps);
  return { status: table.status, checks: { table } };
}
