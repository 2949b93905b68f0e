import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../infra/local/managed-process';
import { mailbox } from '../support/mailbox';
import { portalUsers } from '../support/portal-users';
import { spawnLocalStack, stopLocalStack, untilReady, type StackProcess } from '../../infra/local/stack-process';
import { staffApi } from '../support/staff-api';

jest.setTimeout(300_000);

/**
 * A crash of the whole local stack in the middle of a backlog of enablements loses nothing: after the
 * restart every person gets a login and an invitation. A person whose invitation was in flight at the
 * crash may get one duplicate (the accepted cost of never sending none); nobody gets none.
 */
describe('a crash in the middle of a provisioning backlog', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-backlog-'));
  let stack: StackProcess | undefined;
  afterAll(async () => {
    if (stack) await stopLocalStack(stack);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends with every person provisioned once the stack is back', async () => {
    stack = spawnLocalStack(dataDir, ['--fresh']);
    const outputs = await untilReady(stack);
    const api = await staffApi(outputs);
    const mail = mailbox(outputs.SesEndpoint);
    const count = 60;
    const emails = Array.from({ length: count }, (_, i) => `backlog.${i}.${Date.now()}@example.com`);
    const people = await Promise.all(
      emails.map((email, i) => api.create('leads', { lastName: `Backlog ${i}`, email, portal: { enabled: true } })),
    );

    // Crash once the controller is busy (some invitations out, most not yet).
    await waitFor(async () => (await mail.all()).length >= 5, 30_000, 'the first invitations');
    stack.child.kill('SIGKILL');
    await stack.exited;
    // The mail server goes down with the stack (its guard stops it once the stack's pipe closes, a moment after the
    // kill), and its store is in memory: what proves each invitation was sent is the `invited` status, which the
    // controller records only after SES accepted the message.
    await waitFor(
      async () => (await fetch(`${outputs.SesEndpoint}/store`).catch(() => 'down')) === 'down',
      15_000,
      'the mail server to go down with the stack',
    );
    stack = spawnLocalStack(dataDir);
    const restarted = await untilReady(stack);
    const users = portalUsers(restarted);
    try {
      await waitFor(
        async () => (await Promise.all(people.map((p) => users.login(p.id)))).every((login) => login !== undefined),
        120_000,
        'a login for every person',
      );
      const restartedApi = await staffApi(restarted);
      await waitFor(
        async () => {
          const statuses = await Promise.all(
            people.map(
              async (p) =>
                (await restartedApi.call<{ status: string }>('GET', `/leads/${p.id}/portal-access`)).body.status,
            ),
          );
          return statuses.every((status) => status === 'invited');
        },
        120_000,
        'every person invited',
      );
    } finally {
      users.close();
    }
  });
});
