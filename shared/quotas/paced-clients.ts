import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
} from '../aws/client-cognito-identity-provider';
import { SendBulkEmailCommand, SendEmailCommand } from '../aws/client-sesv2';
import type { QuotaPermits } from './account-quota';
import type { QuotaName } from './quota-rates';

/** Which quota each paced command counts against; commands not named (AdminGetUser: UserRead, 120/s) go unpaced. */
const commandQuotas: readonly (readonly [abstract new (...args: never[]) => unknown, QuotaName])[] = [
  [AdminCreateUserCommand, 'cognitoCreate'],
  [AdminUpdateUserAttributesCommand, 'cognitoUpdate'],
  [AdminDeleteUserAttributesCommand, 'cognitoUpdate'],
  [AdminEnableUserCommand, 'cognitoUpdate'],
  [AdminDisableUserCommand, 'cognitoUpdate'],
  [AdminSetUserPasswordCommand, 'cognitoUpdate'],
  [AdminResetUserPasswordCommand, 'cognitoUpdate'],
  [AdminUserGlobalSignOutCommand, 'cognitoUpdate'],
  [AdminDeleteUserCommand, 'cognitoUpdate'],
  [SendEmailCommand, 'sesSend'],
  [SendBulkEmailCommand, 'sesSend'],
];

export function quotaOf(command: unknown): QuotaName | undefined {
  return commandQuotas.find(([type]) => command instanceof type)?.[1];
}

/** Until when (epoch ms) a caller may wait for a permit; undefined: as long as it takes. */
export type WaitLimit = () => number | undefined;

/**
 * Makes every command of `client` that counts against an account quota take a permit first (once per command: the
 * SDK's own retries of a throttled request back off on their own). The client itself is paced, so no code path
 * that uses it can send around the quota. Answers the same client.
 */
export function paced<Client extends { send: (...args: never[]) => Promise<unknown> }>(
  client: Client,
  permits: QuotaPermits,
  waitUntil: WaitLimit = () => undefined,
): Client {
  type Send = (this: Client, ...args: unknown[]) => Promise<unknown>;
  // An own `send` is kept; otherwise the class's is looked up at each call, as a plain client would (test doubles
  // replace the prototype's).
  const own = Object.hasOwn(client, 'send') ? (client.send as unknown as Send) : undefined;
  const pacedSend = async (...args: unknown[]) => {
    const quota = quotaOf(args[0]);
    if (quota) await permits.acquire(quota, waitUntil());
    const send = own ?? (Object.getPrototypeOf(client) as { send: Send }).send;
    return send.apply(client, args);
  };
  Object.assign(client, { send: pacedSend });
  return client;
}
