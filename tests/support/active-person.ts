import { randomUUID } from 'node:crypto';
import { waitFor } from '../../infra/local/managed-process';
import { mailbox, temporaryPasswordIn } from './mailbox';
import type { portalUsers } from './portal-users';
import type { StaffApi } from './staff-api';

export const uniqueEmail = (name: string) => `${name}.${randomUUID().slice(0, 8)}@example.com`;
export const strongPassword = () => `New#Passw0rd-${randomUUID().slice(0, 6)}`;

/** Waits until staff see `status` for the person, and returns what they see. */
export async function untilAccessStatus(api: StaffApi, module: string, id: string, status: string) {
  let view: Record<string, unknown> | undefined;
  await waitFor(
    async () => {
      view = (await api.call('GET', `/${module}/${id}/portal-access`)).body;
      return view?.status === status;
    },
    20_000,
    () => `${id} to be ${status}; last seen ${JSON.stringify(view)}`,
  );
  return view!;
}

/**
 * A contact staff gave portal access who signed in and chose their own password: `active`, as a person is when
 * they forget it. Returns how they sign in and what Cognito holds.
 */
export async function activeContact(
  api: StaffApi,
  mail: ReturnType<typeof mailbox>,
  users: ReturnType<typeof portalUsers>,
) {
  const email = uniqueEmail('active');
  const username = `active-${randomUUID().slice(0, 8)}`;
  const person = await api.create('contacts', {
    firstName: 'Alex',
    lastName: 'Active',
    email,
    portal: { enabled: true, username },
  });
  const [invitation] = await mail.waitFor(email);
  const password = strongPassword();
  const signedIn = await users.firstSignIn(email, temporaryPasswordIn(invitation!), password);
  await untilAccessStatus(api, 'contacts', person.id, 'active');
  return { person, email, username, password, accessToken: signedIn.AuthenticationResult!.AccessToken! };
}
