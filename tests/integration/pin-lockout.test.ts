import { randomUUID } from 'node:crypto';
import type { LocalOutputs } from '../../infra/outputs';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';
import { stackOutputs } from '../support/outputs';
import { staffApi, type ApiResponse, type StaffApi } from '../support/staff-api';

/**
 * The PIN lockout under concurrency, on the local stack: however many PINs arrive at once, at most five wrong
 * ones are compared in a window (each answered with `attemptsLeft`, the fifth with the lock), and every other
 * request is 423 without a comparison. Signing and PIN changes share the count; a right PIN clears it.
 */
jest.setTimeout(120_000);

type Json = Record<string, unknown>;

const limit = 5;
const pin = '2468';
const burst = 40;

let outputs: LocalOutputs;
let api: StaffApi;
let onboarding: ReturnType<typeof portalOnboarding>;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  onboarding = portalOnboarding(outputs, api);
});
afterAll(() => onboarding.close());

const short = () => randomUUID().slice(0, 8);

async function signer(portal: Json = {}): Promise<OnboardedPerson> {
  const user = await onboarding.onboard({ portal: { canESign: true, ...portal } });
  expect((await user.call('PUT', '/portal/pin', { newPin: pin })).status).toBe(204);
  return user;
}

const orderFor = (user: OnboardedPerson) =>
  api.create('sales-orders', {
    subject: `Order ${short()}`,
    currency: 'EUR',
    contactId: user.person.id,
    showOnPortal: true,
    lineItems: [{ description: 'Widget', quantity: 1, unitPrice: 10 }],
  });

const sign = (user: OnboardedPerson, orderId: string, given: string) =>
  user.call('POST', `/portal/sales-orders/${orderId}/signature`, { pin: given });
const changePin = (user: OnboardedPerson, currentPin: string, newPin = '1357') =>
  user.call('PUT', '/portal/pin', { currentPin, newPin });

/** Distinct wrong PINs (never the right one). */
const wrongPins = (count: number) => Array.from({ length: count }, (_, index) => String(5000 + index));

/** A PIN was compared exactly when its answer says how many tries are left (0 for the one that locked). */
const compared = (responses: readonly ApiResponse[]) =>
  responses.filter((response) => typeof response.body?.attemptsLeft === 'number');

/** Every answer is a wrong PIN (403 with tries left), or 423 with a Retry-After; at most `limit` were compared. */
function expectLockoutShape(responses: readonly ApiResponse[]) {
  for (const response of responses) {
    expect([403, 423]).toContain(response.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    if (response.status === 423) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    if (response.status === 403) expect(response.body.attemptsLeft).toBeGreaterThan(0);
  }
}

async function orderSignature(orderId: string) {
  const view = await api.call('GET', `/sales-orders/${orderId}`);
  expect(view.status).toBe(200);
  return view.body.signature;
}

describe('PIN lockout under concurrency', () => {
  it(`${burst} concurrent wrong PINs: exactly ${limit} compared (tries left 4…0), all others 423; the right PIN then is 423`, async () => {
    const user = await signer();
    const order = await orderFor(user);
    const responses = await Promise.all(wrongPins(burst).map((given) => sign(user, order.id, given)));
    expectLockoutShape(responses);
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 403)).toHaveLength(limit - 1);
    expect(statuses.filter((status) => status === 423)).toHaveLength(burst - (limit - 1));
    expect(
      compared(responses)
        .map((response) => response.body.attemptsLeft as number)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);

    const right = await sign(user, order.id, pin);
    expect(right.status).toBe(423);
    expect(right.body.attemptsLeft).toBeUndefined();
    expect(await orderSignature(order.id)).toBeUndefined();
  });

  it('the right PIN sent inside a burst once the lock is reached does not sign', async () => {
    const user = await signer();
    const order = await orderFor(user);
    const pending = wrongPins(burst).map((given) => sign(user, order.id, given));
    // The first 423 says the attempts are used up; the rest of the burst is still arriving when the right PIN goes.
    await Promise.any(
      pending.map(async (request) => {
        if ((await request).status !== 423) throw new Error('not locked');
      }),
    );
    const right = sign(user, order.id, pin);
    const responses = await Promise.all(pending);
    expect((await right).status).toBe(423);
    expectLockoutShape(responses);
    expect(compared(responses)).toHaveLength(limit);
    expect(await orderSignature(order.id)).toBeUndefined();
  });

  it('after 4 wrong PINs one by one (tries left 4, 3, 2, 1), a burst of 14 wrong and the right one compares one PIN only', async () => {
    const user = await signer();
    const order = await orderFor(user);
    const left: unknown[] = [];
    for (const given of wrongPins(limit - 1)) left.push((await sign(user, order.id, given)).body.attemptsLeft);
    expect(left).toEqual([4, 3, 2, 1]);

    const wrong = wrongPins(14).map((given) => sign(user, order.id, `9${given.slice(1)}`));
    const right = sign(user, order.id, pin);
    const [rightResponse, ...wrongResponses] = await Promise.all([right, ...wrong]);
    expectLockoutShape(wrongResponses);
    const wrongCompared = compared(wrongResponses);
    // The last try goes to exactly one of the fifteen: a wrong PIN (which locks), or the right one (which signs).
    if (rightResponse!.status === 201) {
      expect(wrongCompared).toHaveLength(0);
      expect(await orderSignature(order.id)).toMatchObject({ status: 'valid' });
    } else {
      expect(rightResponse!.status).toBe(423);
      expect(wrongCompared.map((response) => [response.status, response.body.attemptsLeft])).toEqual([[423, 0]]);
      expect(await orderSignature(order.id)).toBeUndefined();
    }
  });

  it(`${burst} concurrent PIN changes with a wrong current PIN: ${limit} compared, all others 423; nothing changes, and signing is locked too`, async () => {
    const user = await signer({ pinReset: true });
    const order = await orderFor(user);
    const before = await api.call('GET', `/partner-contacts/${user.person.id}`);
    const responses = await Promise.all(wrongPins(burst).map((given) => changePin(user, given)));
    expectLockoutShape(responses);
    expect(responses.filter((response) => response.status === 403)).toHaveLength(limit - 1);
    expect(
      compared(responses)
        .map((response) => response.body.attemptsLeft as number)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);

    const pending = [...wrongPins(14).map((given) => changePin(user, given)), changePin(user, pin, '8642')];
    const late = await Promise.all(pending);
    expect(late.map((response) => response.status)).toEqual(Array.from({ length: 15 }, () => 423));
    expect(compared(late)).toHaveLength(0);
    // The person's record (version, updatedAt, updatedBy) is as it was: no PIN was written.
    expect((await api.call('GET', `/partner-contacts/${user.person.id}`)).body).toEqual(before.body);
    expect((await sign(user, order.id, pin)).status).toBe(423);
    expect(await orderSignature(order.id)).toBeUndefined();
  });

  it('a burst of wrong current PINs with the right one among them changes the PIN only if it won the last try', async () => {
    const user = await signer({ pinReset: true });
    for (const given of wrongPins(limit - 1)) expect((await changePin(user, given)).status).toBe(403);
    const before = (await api.call('GET', `/partner-contacts/${user.person.id}`)).body;
    const right = changePin(user, pin, '8642');
    const wrong = wrongPins(14).map((given) => changePin(user, `8${given.slice(1)}`));
    const [rightResponse, ...wrongResponses] = await Promise.all([right, ...wrong]);
    expectLockoutShape(wrongResponses);
    const after = (await api.call('GET', `/partner-contacts/${user.person.id}`)).body;
    if (rightResponse!.status === 204) {
      expect(compared(wrongResponses)).toHaveLength(0);
      expect(after.updatedAt).not.toBe(before.updatedAt);
    } else {
      expect(rightResponse!.status).toBe(423);
      expect(compared(wrongResponses).map((response) => response.body.attemptsLeft)).toEqual([0]);
      expect(after).toEqual(before);
    }
  });
});

describe('a right PIN clears the count', () => {
  it('after wrong PINs, signing with the right one starts the count afresh', async () => {
    const user = await signer();
    const [first, second] = await Promise.all([orderFor(user), orderFor(user)]);
    expect((await sign(user, first.id, '1111')).body.attemptsLeft).toBe(4);
    expect((await sign(user, first.id, '1112')).body.attemptsLeft).toBe(3);
    expect((await sign(user, first.id, pin)).status).toBe(201);
    expect((await sign(user, second.id, '1113')).body.attemptsLeft).toBe(4);
  });

  it('4 wrong current PINs, then the right one changes the PIN and clears the count shared with signing', async () => {
    const user = await signer({ pinReset: true });
    const order = await orderFor(user);
    const left: unknown[] = [];
    for (const given of wrongPins(limit - 1)) left.push((await changePin(user, given)).body.attemptsLeft);
    expect(left).toEqual([4, 3, 2, 1]);
    expect((await changePin(user, pin, '8642')).status).toBe(204);
    expect((await sign(user, order.id, pin)).body.attemptsLeft).toBe(4);
    expect((await sign(user, order.id, '8642')).status).toBe(201);
  });
});
