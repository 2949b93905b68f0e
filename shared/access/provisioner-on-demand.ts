import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { brandingFromEnvironment } from '../branding/branding';
import type { WaitLimit } from '../quotas/paced-clients';
import type { LoginPasswordReset } from './login-password-reset';
import type { ProvisionerConfig } from './provisioner-environment';
import type { Provisioner } from './provisioning';

/**
 * The provisioner and Cognito's password reset for a function whose first request seldom provisions (staff's
 * status view, a partner admin's colleague list): the Cognito and SES clients, the quota and the invitation emails
 * are imported and built on the first call that needs them, not at cold start (issue 18: load what a route needs on
 * that route). The environment and the branding are checked at cold start all the same, so a broken deployment still
 * fails at once. Each method forwards to the loaded one, so the compiler holds these to the real types.
 */
export function provisionerOnDemand(config: ProvisionerConfig, dynamo: DynamoDBClient, waitUntil?: WaitLimit) {
  const branding = brandingFromEnvironment(config.BRANDING);
  let loading: ReturnType<typeof load> | undefined;
  async function load() {
    const [{ provisionerFromConfig }, { createLoginPasswordReset }] = await Promise.all([
      import('./provisioner-config'),
      import('./login-password-reset'),
    ]);
    const built = provisionerFromConfig(config, dynamo, waitUntil, branding);
    const passwordReset = createLoginPasswordReset({ cognito: built.cognito, userPoolId: config.PORTAL_USER_POOL_ID });
    return { provisioner: built.provisioner, passwordReset };
  }
  // A failed build (a client that could not be created) is not kept: the next call builds again. A module that
  // failed to evaluate stays failed in the bundle, but these evaluate the same way every time.
  const loaded = () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
  const provisioner: Provisioner = {
    reconcilePerson: async (...args) => (await loaded()).provisioner.reconcilePerson(...args),
    recordFailure: async (...args) => (await loaded()).provisioner.recordFailure(...args),
    sendEmail: async (...args) => (await loaded()).provisioner.sendEmail(...args),
  };
  const passwordReset: LoginPasswordReset = {
    login: async (personId) => (await loaded()).passwordReset.login(personId),
    reset: async (personId) => (await loaded()).passwordReset.reset(personId),
  };
  return { provisioner, passwordReset };
}
