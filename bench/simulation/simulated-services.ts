import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  TooManyRequestsException as CognitoThrottled,
  UserNotFoundException,
  UsernameExistsException,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { SendEmailCommand, TooManyRequestsException as SesThrottled } from '@aws-sdk/client-sesv2';
import { quotaOf } from '../../shared/quotas/paced-clients';
import type { QuotaName } from '../../shared/quotas/quota-rates';

/** What every simulated service shares: the clock, its latencies and a deterministic random source. */
export interface ServiceEnvironment {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/**
 * AWS's own enforcement of an account quota: at most `limit` requests of a category per second, counted when the
 * request arrives; beyond it, the service answers throttling. `injected` throttles that share of requests anyway
 * (AWS throttles below the published rate at times, and other callers in the account share the quota).
 */
export class ServiceQuota {
  private window = -1;
  private count = 0;
  throttled = 0;

  constructor(
    private readonly environment: ServiceEnvironment,
    readonly limit: number,
    private readonly injected: number,
  ) {}

  admit(): boolean {
    const second = Math.floor(this.environment.now() / 1000);
    if (second !== this.window) {
      this.window = second;
      this.count = 0;
    }
    if (this.count >= this.limit || this.environment.random() < this.injected) {
      this.throttled++;
      return false;
    }
    this.count++;
    return true;
  }
}

/** The SDK's retries of a throttled request (maxAttempts 6, exponential backoff with full jitter, base 100 ms). */
export async function withSdkRetries<T>(environment: ServiceEnvironment, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const throttling = (error as Error).name === 'TooManyRequestsException';
      if (!throttling || n >= 6) throw error;
      await environment.sleep(Math.floor(environment.random() * Math.min(20_000, 100 * 2 ** n)));
    }
  }
}

interface SimulatedUser {
  enabled: boolean;
  status: string;
  attributes: AttributeType[];
}

/** Cognito's portal pool: the admin calls provisioning makes, its categories' quotas, ~30–80 ms a call. */
export class SimulatedCognito {
  readonly users = new Map<string, SimulatedUser>();
  readonly calls: Record<string, number> = {};
  readonly quotas: Record<'cognitoCreate' | 'cognitoUpdate' | 'userRead', ServiceQuota>;

  constructor(
    private readonly environment: ServiceEnvironment,
    options: { readonly injectedThrottling: number },
  ) {
    const quota = (limit: number) => new ServiceQuota(environment, limit, options.injectedThrottling);
    // Cognito's published defaults per account and Region: UserCreation 50/s, UserUpdate 25/s, UserRead 120/s.
    this.quotas = { cognitoCreate: quota(50), cognitoUpdate: quota(25), userRead: quota(120) };
  }

  readonly send = (command: object): Promise<unknown> => withSdkRetries(this.environment, () => this.once(command));

  private async once(command: object): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    await this.environment.sleep(30 + Math.floor(this.environment.random() * 50));
    const category = (quotaOf(command) as Exclude<QuotaName, 'sesSend'> | undefined) ?? 'userRead';
    if (!this.quotas[category].admit()) throw new CognitoThrottled({ message: 'Rate exceeded', $metadata: {} });
    const input = (command as { input: { Username?: string } }).input;
    const user = this.users.get(input.Username!);
    if (command instanceof AdminCreateUserCommand) {
      if (user) throw new UsernameExistsException({ message: 'User account already exists', $metadata: {} });
      this.users.set(input.Username!, {
        enabled: true,
        status: 'FORCE_CHANGE_PASSWORD',
        attributes: command.input.UserAttributes ?? [],
      });
      return {};
    }
    if (!user) throw new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
    if (command instanceof AdminGetUserCommand) {
      return {
        Username: input.Username,
        Enabled: user.enabled,
        UserStatus: user.status,
        UserAttributes: user.attributes,
      };
    }
    if (command instanceof AdminSetUserPasswordCommand) return {};
    throw new Error(`the simulated Cognito does not serve ${name}`);
  }
}

/** SES: SendEmail at the account's sending rate (14/s), ~40–120 ms a call; the invitations it accepted, by person. */
export class SimulatedSes {
  readonly quota: ServiceQuota;
  /** Person id → the times SES accepted an invitation to them. */
  readonly invitations = new Map<string, number[]>();
  accepted = 0;
  firstAt: number | undefined;
  lastAt: number | undefined;

  constructor(
    private readonly environment: ServiceEnvironment,
    options: { readonly sendingRate: number; readonly injectedThrottling: number },
  ) {
    this.quota = new ServiceQuota(environment, options.sendingRate, options.injectedThrottling);
  }

  readonly send = (command: object): Promise<unknown> => withSdkRetries(this.environment, () => this.once(command));

  private async once(command: object): Promise<unknown> {
    if (!(command instanceof SendEmailCommand)) throw new Error('the simulated SES serves SendEmail only');
    await this.environment.sleep(40 + Math.floor(this.environment.random() * 80));
    if (!this.quota.admit()) throw new SesThrottled({ message: 'Maximum sending rate exceeded.', $metadata: {} });
    const tags = Object.fromEntries((command.input.EmailTags ?? []).map((tag) => [tag.Name, tag.Value]));
    this.accepted++;
    const at = this.environment.now();
    this.firstAt ??= at;
    this.lastAt = at;
    if (tags.purpose === 'invitation') {
      const times = this.invitations.get(tags.personId!) ?? [];
      times.push(at);
      this.invitations.set(tags.personId!, times);
    }
    return { MessageId: `message-${this.accepted}` };
  }
}
