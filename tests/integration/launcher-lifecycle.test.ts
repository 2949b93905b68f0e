import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { isGroupAlive, waitFor } from '../../infra/local/managed-process';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { spawnLocalStack, stopLocalStack, untilReady, type StackProcess } from '../../infra/local/stack-process';

jest.setTimeout(240_000);

function childGroups(dataDir: string): number[] {
  const lock = JSON.parse(readFileSync(join(dataDir, 'run', 'lock.json'), 'utf8')) as { children: { pgid: number }[] };
  return lock.children.map((c) => c.pgid);
}

describe('npm start', () => {
  it('refuses a second start on the same data while one runs, and leaves the first one serving', async () => {
    const dataDir = process.env.PORTICO_DATA_DIR!;
    const second = spawnLocalStack(dataDir);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already running/);
    const outputs = JSON.parse(readFileSync(join(dataDir, 'outputs.json'), 'utf8')).Portico;
    expect((await fetch(`${outputs.ApiUrl}/health`)).status).toBe(200);
  });

  describe('after the launcher is killed with SIGKILL', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'portico-lifecycle-'));
    let stack: StackProcess | undefined;
    afterAll(async () => {
      if (stack) await stopLocalStack(stack);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('leaves no emulator running, starts again, and keeps the data', async () => {
      stack = spawnLocalStack(dataDir, ['--fresh']);
      const before = await untilReady(stack);
      const key = { pk: { S: 'LIFECYCLE' }, sk: { S: 'ITEM' } };
      const dynamo = new DynamoDBClient({
        endpoint: before.DynamoDbEndpoint,
        region: localRegion,
        credentials: localCredentials,
      });
      await dynamo.send(new PutItemCommand({ TableName: before.TableName, Item: { ...key, note: { S: 'kept' } } }));
      dynamo.destroy();
      const groups = childGroups(dataDir);
      expect(groups).toHaveLength(3);

      stack.child.kill('SIGKILL');
      await stack.exited;
      await waitFor(() => groups.every((pgid) => !isGroupAlive(pgid)), 10_000, 'the emulators to stop');

      stack = spawnLocalStack(dataDir);
      const after = await untilReady(stack);
      expect(after.StaffPassword).toBe(before.StaffPassword);
      expect(after.StaffUserPoolId).toBe(before.StaffUserPoolId);
      const reopened = new DynamoDBClient({
        endpoint: after.DynamoDbEndpoint,
        region: localRegion,
        credentials: localCredentials,
      });
      const item = await reopened.send(new GetItemCommand({ TableName: after.TableName, Key: key }));
      reopened.destroy();
      expect(item.Item?.note?.S).toBe('kept');
      expect((await fetch(`${after.ApiUrl}/health`)).status).toBe(200);

      const restartedGroups = childGroups(dataDir);
      stack.child.kill('SIGINT');
      expect(await stack.exited).toBe(0);
      stack = undefined;
      expect(restartedGroups.filter(isGroupAlive)).toEqual([]);
    });
  });
});
