import { randomUUID } from 'node:crypto';
import type { LocalOutputs } from '../../infra/outputs';
import { hostedLogin, type HostedTokens } from './hosted-login';
import { mailbox, temporaryPasswordIn } from './mailbox';
import { portalUsers } from './portal-users';
import { apiClient, type ApiResponse, type StaffApi } from './staff-api';

type Json = Record<string, unknown>;

export interface OnboardedPerson {
  readonly person: Json & { id: string };
  readonly module: string;
  readonly email: string;
  readonly password: string;
  /** What the new-password challenge answered. */
  readonly firstSignIn: Awaited<ReturnType<ReturnType<typeof portalUsers>['firstSignIn']>>;
  readonly tokens: HostedTokens;
  /** The person's portal API with the access token of their hosted sign-in. */
  readonly call: <T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<ApiResponse<T>>;
}

const short = () => randomUUID().slice(0, 8);

/**
 * The whole way into the portal, as a person takes it: staff create them with portal access, the invitation
 * arrives in the local mailbox, the new-password challenge is answered, then the hosted login gives tokens.
 */
export function portalOnboarding(outputs: LocalOutputs, api: StaffApi) {
  const users = portalUsers(outputs);
  const mail = mailbox(outputs.SesEndpoint);
  const hosted = hostedLogin(outputs);

  async function onboard(
    options: { module?: 'partner-contacts' | 'contacts'; organizationId?: string; fields?: Json; portal?: Json } = {},
  ): Promise<OnboardedPerson> {
    const module = options.module ?? 'partner-contacts';
    const organizationId =
      options.organizationId ??
      (module === 'partner-contacts'
        ? (await api.create('partner-organizations', { name: `Partner ${short()}`, partnerStatus: 'Active' })).id
        : undefined);
    const email = `${module === 'contacts' ? 'customer' : 'partner'}.${short()}@example.com`;
    const person = await api.create(module, {
      firstName: 'Pat',
      lastName: `Person ${short()}`,
      email,
      ...(organizationId ? { organizationId } : {}),
      ...options.fields,
      portal: { enabled: true, ...options.portal },
    });
    const [invitation] = await mail.waitFor(email);
    const password = `New#Passw0rd-${short()}`;
    const firstSignIn = await users.firstSignIn(email, temporaryPasswordIn(invitation!), password);
    const tokens = await hosted.signIn(email, password);
    const call = apiClient(outputs.ApiUrl, tokens.accessToken);
    return { person, module, email, password, firstSignIn, tokens, call };
  }

  return { onboard, close: () => users.close() };
}
