import { AdminCreateUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SimulatedClock } from '../../bench/simulation/simulated-clock';
import { SimulatedDynamoDb } from '../../bench/simulation/simulated-dynamodb';
import { quotaWindowKey } from '../../shared/data/keys';
import { createAccountQuota, windowFor } from '../../shared/quotas/account-quota';
import { paced } from '../../shared/quotas/paced-clients';
import { isDeferral, QuotaDeferred } from '../../shared/quotas/quota-deferred';
import { quotaRatesFrom, type QuotaRates } from '../../shared/quotas/quota-rates';

/**
 * Account-wide pacing (shared/quotas/account-quota.ts) across several controllers at once, each with its own
 * instance, on a simulated clock and table: permits are counted per window, never measured with timers.
 */

const start = Date.parse('2026-03-01T09:00:00.000Z');
const rates: QuotaRates = { cognitoCreate: 45, cognitoUpdate: 22, sesSend: 13 };

function world(options: { latencyMs?: number } = {}) {
  const clock = new SimulatedClock(start);
  const table = new SimulatedDynamoDb({ sleep: clock.sleep, latencyMs: () => options.latencyMs ?? 6 });
  let seed = 1;
  // A fixed sequence: the run is the same every time.
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) % 1;
  const controller = () =>
    createAccountQuota({ dynamo: table, tableName: 'portico', rates, now: clock.now, sleep: clock.sleep, random });
  return { clock, table, controller };
}

describe('account-wide quota windows', () => {
  it('holds the aggregate rate across 6 concurrent controllers of 16 workers each, and keeps it busy', async () => {
    const { clock, table, controller } = world();
    const seconds = 30;
    const end = start + seconds * 1000;
    const grants: number[] = [];
    const controllers = Array.from({ length: 6 }, controller);
    let running = 0;
    for (const permits of controllers) {
      for (let worker = 0; worker < 16; worker++) {
        running++;
        void (async () => {
          while (clock.now() < end) {
            await permits.acquire('sesSend');
            if (clock.now() < end) grants.push(clock.now());
          }
          running--;
        })();
      }
    }
    await clock.run(() => running === 0);

    const perWindow = new Map<number, number>();
    for (const at of grants) perWindow.set(Math.floor(at / 1000), (perWindow.get(Math.floor(at / 1000)) ?? 0) + 1);
    // Never above the configured rate in any window, whichever controller took the permit...
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(13);
    // ...and the table's counters agree with what the controllers were granted.
    const counted = [...perWindow.keys()].reduce(
      (sum, second) =>
        sum + ((table.get(quotaWindowKey('sesSend', second * 1000).pk!, 'QUOTA')?.permits as number) ?? 0),
      0,
    );
    expect(counted).toBeGreaterThanOrEqual(grants.length);
    // Every controller got a share, and together they used at least 90 % of the quota.
    expect(controllers.every((permits) => permits.taken.sesSend > 0)).toBe(true);
    expect(grants.length).toBeGreaterThanOrEqual(0.9 * 13 * seconds);
  });

  it('each quota is counted on its own: creations do not use up the sending rate', async () => {
    const { clock, controller } = world();
    const permits = controller();
    const done: string[] = [];
    for (let i = 0; i < 45; i++) void permits.acquire('cognitoCreate').then(() => done.push('create'));
    for (let i = 0; i < 13; i++) void permits.acquire('sesSend').then(() => done.push('send'));
    await clock.run(() => done.length === 58);
    // All in the first window: 45 creations and 13 sends fit their own limits.
    expect(clock.now() - start).toBeLessThan(1000);
  });

  it('a caller that cannot get a permit before its deadline is deferred with Retry-After, and takes none', async () => {
    const { clock, controller } = world();
    const permits = controller();
    let granted = 0;
    for (let i = 0; i < 13; i++) void permits.acquire('sesSend').then(() => granted++);
    await clock.run(() => granted === 13);
    let deferred: unknown;
    void permits.acquire('sesSend', clock.now() + 100).catch((error: unknown) => (deferred = error));
    await clock.run(() => deferred !== undefined);
    expect(deferred).toBeInstanceOf(QuotaDeferred);
    expect((deferred as QuotaDeferred).status).toBe(503);
    expect(Number((deferred as QuotaDeferred).headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(permits.taken.sesSend).toBe(13);
  });

  it('rates below one a second get longer windows of one permit; an unlimited rate takes no permit', () => {
    expect(windowFor(0.5)).toEqual({ windowMs: 2000, limit: 1 });
    expect(windowFor(13.7)).toEqual({ windowMs: 1000, limit: 13 });
    expect(() => windowFor(0)).toThrow(RangeError);
    expect(quotaRatesFrom({ SES_SEND_RATE: 'unlimited' }).sesSend).toBe(Infinity);
    expect(quotaRatesFrom({})).toEqual({ cognitoCreate: 40, cognitoUpdate: 22, sesSend: 13 });
    expect(() => quotaRatesFrom({ COGNITO_UPDATE_RATE: 'fast' })).toThrow(/COGNITO_UPDATE_RATE/);
  });
});

describe('paced clients', () => {
  it('take a permit of the command quota before sending, and none for reads', async () => {
    const { clock, controller } = world();
    const permits = controller();
    const sent: string[] = [];
    const client = paced({ send: async (command: object) => void sent.push(command.constructor.name) }, permits);
    let done = false;
    void (async () => {
      await client.send(new AdminGetUserCommand({ UserPoolId: 'p', Username: 'u' }));
      await client.send(new AdminCreateUserCommand({ UserPoolId: 'p', Username: 'u' }));
      await client.send(new SendEmailCommand({ Content: {} }));
      done = true;
    })();
    await clock.run(() => done);
    expect(sent).toEqual(['AdminGetUserCommand', 'AdminCreateUserCommand', 'SendEmailCommand']);
    expect(permits.taken).toEqual({ cognitoCreate: 1, cognitoUpdate: 0, sesSend: 1 });
  });

  it('throttling and quota deferral are deferrals, other errors are not', () => {
    const named = (name: string) => Object.assign(new Error(name), { name });
    expect(isDeferral(named('TooManyRequestsException'))).toBe(true);
    expect(isDeferral(named('ThrottlingException'))).toBe(true);
    expect(isDeferral(new QuotaDeferred('sesSend', 2))).toBe(true);
    expect(isDeferral(named('MessageRejected'))).toBe(false);
    expect(isDeferral(named('UsernameExistsException'))).toBe(false);
  });
});
