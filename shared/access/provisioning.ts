import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Branding } from '../branding/branding';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { generatePassword } from '../security/generate-password';
import { createPersonLoader } from '../people/person-loader';
import { createAccessEmailSender } from './access-email-sender';
import { createAccessMachine } from './access-machine';
import { createCognitoLoginGateway } from './cognito-login-gateway';
import { createInvitationSender } from './invitation-sender';
import { decideReconcile } from './reconcile-decision';
import { createReconcileExecutor, type ReconcileOutcome } from './reconcile-executor';

export { InvitationInProgress } from './invitation-sender';
export type { ReconcileOutcome } from './reconcile-executor';

/**
 * The convergent provisioning controller: for one person it reads what the table says access should be (the
 * person, their partner organization, the ACCESS item) and what Cognito has, decides the steps
 * (reconcile-decision.ts, pure) and carries them out (reconcile-executor.ts). Running it twice, out of order, or
 * after a crash does no harm: every step either checks first or is a conditional write of the access machine.
 */
export interface ProvisioningDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Support windows are dates in this zone: outside one, access is not effective and the login is disabled. */
  readonly timeZone: string;
  /** Paced under the account's quotas by whoever builds it (shared/quotas/paced-clients.ts). */
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  readonly ses: SESv2Client;
  readonly senderEmail: string;
  readonly configurationSetName?: string;
  readonly signInUrl: string;
  /** The deployment's name, logo and accent colour, which every access email carries. */
  readonly branding?: Branding;
  readonly temporaryPasswordValidityDays: number;
  /** Failed attempts after which the person shows `failed`. */
  readonly maxFailures: number;
  /** How long an invitation claim protects a send in progress before another worker may take over. */
  readonly invitationLeaseMs?: number;
  readonly now?: () => Date;
  readonly newPassword?: () => string;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createProvisioner(deps: ProvisioningDependencies) {
  const now = deps.now ?? (() => new Date());
  const machine = createAccessMachine({ dynamo: deps.dynamo, tableName: deps.tableName, now });
  const people = createPersonLoader(deps);
  const logins = createCognitoLoginGateway(deps);
  const sendEmail = createAccessEmailSender(deps);
  const invitations = createInvitationSender({
    machine,
    logins,
    sendEmail,
    signInUrl: deps.signInUrl,
    branding: deps.branding,
    temporaryPasswordValidityDays: deps.temporaryPasswordValidityDays,
    leaseMs: deps.invitationLeaseMs ?? 30_000,
    now,
    newPassword: deps.newPassword ?? (() => generatePassword(20)),
    sleep: deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
  });
  const executor = createReconcileExecutor({ machine, logins, sendEmail, invitations, branding: deps.branding });

  async function reconcilePerson(personId: string, actor = 'controller'): Promise<ReconcileOutcome> {
    // The login is read after the access item, never beside it: a run that renews the enablement enables the
    // login before it claims the invitation, so a login seen disabled after that claim cannot make a second run
    // renew (and invite) again. The person loads meanwhile.
    const [{ person, organization }, [access, login]] = await Promise.all([
      people.load(personId),
      machine.read(personId).then(async (read) => [read, await logins.get(personId)] as const),
    ]);
    const decision = decideReconcile(person, organization, access, login, now(), deps.timeZone);
    return executor.execute(personId, { person, access }, decision, actor);
  }

  /** Records a failed attempt; after `maxFailures` in a row the person shows `failed` with the error. */
  async function recordFailure(personId: string, error: unknown): Promise<void> {
    const message = `${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}`.slice(0, 500);
    const state = await machine.recordFailure(personId, message);
    if ((state.failures ?? 0) >= deps.maxFailures && state.status !== 'failed') {
      await machine.markFailed(personId, state.status ?? 'none', message);
    }
  }

  return { reconcilePerson, recordFailure, sendEmail };
}

export type Provisioner = ReturnType<typeof createProvisioner>;
