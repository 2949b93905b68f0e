import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
  UsernameExistsException,
  type AdminCreateUserCommandInput,
  type AdminGetUserCommandOutput,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/**
 * In-memory stand-ins for the Cognito users and the SES mailbox that portal-access provisioning touches, served
 * behind aws-sdk-client-mock, and the wiring that sends DynamoDB commands to DynamoDB Local (./local-table.ts).
 * Each call yields to the event loop before it acts, so concurrent reconciles really interleave. Faults are
 * injected per operation: `before` rejects the request unapplied, `after` applies it and then loses the response
 * (the caller sees an error although the service did the work). Cognito and SES are faked because the fault
 * scenarios need their throttling, lost answers and user states, which the emulators cannot produce.
 */
import type { LocalTable } from './local-table';

/* ------------------------------------------------------------------ faults */

export interface Fault {
  /** The command name without `Command`: `AdminCreateUser`, `SendEmail`, `TransactWriteItems`... */
  readonly op: string;
  readonly when?: 'before' | 'after';
  /** How many matching calls fail (then the fault is spent); unlimited when left out. */
  times?: number;
  readonly match?: (input: never) => boolean;
  readonly error: () => Error;
}

export class Faults {
  private readonly faults: Fault[] = [];

  add(fault: Fault): Fault {
    this.faults.push(fault);
    return fault;
  }

  clear() {
    this.faults.length = 0;
  }

  /** Throws the first live fault for `op` at `when` that matches `input`, spending one of its times. */
  check(op: string, when: 'before' | 'after', input: unknown) {
    const fault = this.faults.find(
      (f) =>
        f.op === op &&
        (f.when ?? 'before') === when &&
        (f.times === undefined || f.times > 0) &&
        (!f.match || (f.match as (i: unknown) => boolean)(input)),
    );
    if (!fault) return;
    if (fault.times !== undefined) fault.times--;
    throw fault.error();
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/* ------------------------------------------------------------------ clock */

/** A clock that only moves when told to; `sleep` advances it instead of waiting. */
export class FakeClock {
  private time: number;
  readonly sleeps: number[] = [];

  constructor(start = '2026-03-01T09:00:00.000Z') {
    this.time = Date.parse(start);
  }

  readonly now = () => new Date(this.time);

  advance(ms: number) {
    this.time += ms;
  }

  readonly sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.time += ms;
    await tick();
  };
}

/* ------------------------------------------------------------------ Cognito */

export interface FakeUser {
  username: string;
  enabled: boolean;
  status: 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';
  attributes: Record<string, string>;
  password: string;
  /** Global sign-outs so far. */
  signOuts: number;
}

const userNotFound = () => new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });

export class FakeCognito {
  readonly users = new Map<string, FakeUser>();
  readonly faults = new Faults();
  /** Every call that reached the fake (including the rejected ones), in order. */
  readonly log: { op: string; username: string; outcome: 'ok' | 'error' }[] = [];
  /** Usernames of the users really created (even when the answer to the caller was lost). */
  readonly created: string[] = [];
  private readonly holds = new Map<string, { arrived: () => void; released: Promise<void> }>();

  constructor(readonly userPoolId = 'eu-west-1_portal') {}

  private async run<T>(op: string, input: { UserPoolId?: string; Username?: string }, action: () => T): Promise<T> {
    await tick();
    const held = this.holds.get(op);
    if (held) {
      held.arrived();
      await held.released;
    }
    const entry = { op, username: input.Username ?? '', outcome: 'error' as 'ok' | 'error' };
    this.log.push(entry);
    if (input.UserPoolId !== this.userPoolId) throw new Error(`fake Cognito: unknown pool ${input.UserPoolId}`);
    this.faults.check(op, 'before', input);
    const result = action();
    this.faults.check(op, 'after', input);
    entry.outcome = 'ok';
    return result;
  }

  /**
   * Holds every call of `op` until released: a test stops workers at a chosen step to make runs overlap exactly as
   * it means them to, however the machine schedules them. `arrived(n)` resolves once n calls wait at the hold.
   */
  hold(op: string): { arrived: (calls?: number) => Promise<void>; release: () => void } {
    let release!: () => void;
    let arrivals = 0;
    const waiters: { calls: number; resolve: () => void }[] = [];
    const arrived = () => {
      arrivals++;
      for (const waiter of waiters) if (arrivals >= waiter.calls) waiter.resolve();
    };
    this.holds.set(op, { arrived, released: new Promise<void>((resolve) => (release = resolve)) });
    return {
      arrived: (calls = 1) =>
        new Promise<void>((resolve) => (arrivals >= calls ? resolve() : waiters.push({ calls, resolve }))),
      release: () => {
        this.holds.delete(op);
        release();
      },
    };
  }

  calls(op: string, outcome?: 'ok' | 'error') {
    return this.log.filter((entry) => entry.op === op && (!outcome || entry.outcome === outcome));
  }

  private user(username: string | undefined): FakeUser {
    const user = this.users.get(username ?? '');
    if (!user) throw userNotFound();
    return user;
  }

  /** A user as another actor (a sign-in, a test) left it. */
  seed(user: Partial<FakeUser> & { username: string }) {
    this.users.set(user.username, {
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
      attributes: {},
      password: 'Seeded-password-1',
      signOuts: 0,
      ...user,
    });
  }

  readonly handlers = {
    AdminGetUser: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminGetUser', input, (): AdminGetUserCommandOutput => {
        const user = this.user(input.Username);
        return {
          $metadata: {},
          Username: user.username,
          Enabled: user.enabled,
          UserStatus: user.status,
          UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
        };
      }),
    AdminCreateUser: (input: AdminCreateUserCommandInput) =>
      this.run('AdminCreateUser', input, () => {
        if (this.users.has(input.Username!))
          throw new UsernameExistsException({ message: 'User account already exists', $metadata: {} });
        this.users.set(input.Username!, {
          username: input.Username!,
          enabled: true,
          status: 'FORCE_CHANGE_PASSWORD',
          attributes: Object.fromEntries((input.UserAttributes ?? []).map((a) => [a.Name!, a.Value ?? ''])),
          password: input.TemporaryPassword!,
          signOuts: 0,
        });
        this.created.push(input.Username!);
        return { $metadata: {}, User: { Username: input.Username, Enabled: true } };
      }),
    AdminSetUserPassword: (input: { UserPoolId?: string; Username?: string; Password?: string; Permanent?: boolean }) =>
      this.run('AdminSetUserPassword', input, () => {
        const user = this.user(input.Username);
        user.password = input.Password!;
        user.status = input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
        return { $metadata: {} };
      }),
    AdminEnableUser: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminEnableUser', input, () => {
        this.user(input.Username).enabled = true;
        return { $metadata: {} };
      }),
    AdminDisableUser: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminDisableUser', input, () => {
        this.user(input.Username).enabled = false;
        return { $metadata: {} };
      }),
    AdminUpdateUserAttributes: (input: { UserPoolId?: string; Username?: string; UserAttributes?: AttributeType[] }) =>
      this.run('AdminUpdateUserAttributes', input, () => {
        const user = this.user(input.Username);
        for (const attribute of input.UserAttributes ?? []) user.attributes[attribute.Name!] = attribute.Value ?? '';
        return { $metadata: {} };
      }),
    AdminDeleteUserAttributes: (input: { UserPoolId?: string; Username?: string; UserAttributeNames?: string[] }) =>
      this.run('AdminDeleteUserAttributes', input, () => {
        const user = this.user(input.Username);
        for (const name of input.UserAttributeNames ?? []) delete user.attributes[name];
        return { $metadata: {} };
      }),
    AdminUserGlobalSignOut: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminUserGlobalSignOut', input, () => {
        this.user(input.Username).signOuts++;
        return { $metadata: {} };
      }),
    AdminDeleteUser: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminDeleteUser', input, () => {
        this.user(input.Username);
        this.users.delete(input.Username!);
        return { $metadata: {} };
      }),
  };
}

/* ------------------------------------------------------------------ SES */

export interface SentEmail {
  readonly messageId: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly tags: Record<string, string>;
}

export class FakeSes {
  readonly faults = new Faults();
  /** Every SendEmail that reached SES, accepted or not. */
  readonly attempts: SendEmailCommandInput[] = [];
  /** The ones SES accepted (they will be delivered, whatever the caller saw). */
  readonly sent: SentEmail[] = [];
  private counter = 0;

  async sendEmail(input: SendEmailCommandInput) {
    await tick();
    this.attempts.push(input);
    this.faults.check('SendEmail', 'before', input);
    const simple = input.Content!.Simple!;
    const email: SentEmail = {
      messageId: `msg-${++this.counter}`,
      to: input.Destination?.ToAddresses ?? [],
      subject: simple.Subject!.Data!,
      html: simple.Body!.Html!.Data!,
      text: simple.Body!.Text!.Data!,
      tags: Object.fromEntries((input.EmailTags ?? []).map((tag) => [tag.Name!, tag.Value!])),
    };
    this.sent.push(email);
    this.faults.check('SendEmail', 'after', input);
    return { $metadata: {}, MessageId: email.messageId };
  }

  /** Accepted invitations (purpose tag `invitation`), optionally for one person. */
  invitations(personId?: string) {
    return this.sent.filter(
      (email) => email.tags.purpose === 'invitation' && (!personId || email.tags.personId === personId),
    );
  }
}

/** The temporary password an invitation's text part carries. */
export function temporaryPasswordIn(email: SentEmail): string {
  const match = /Temporary password: (\S+)/.exec(email.text);
  if (!match) throw new Error('the email carries no temporary password');
  return match[1]!;
}

/* ------------------------------------------------------------------ wiring */

export interface Mocks {
  readonly dynamo: AwsClientStub<DynamoDBClient>;
  readonly cognito: AwsClientStub<CognitoIdentityProviderClient>;
  readonly ses: AwsClientStub<SESv2Client>;
}

export interface Fakes {
  readonly table: LocalTable;
  readonly cognito: FakeCognito;
  readonly ses: FakeSes;
}

/**
 * Resets the three mocks and routes them to fresh fakes. Pass the stubs from `mockClient(DynamoDBClient)`,
 * `mockClient(CognitoIdentityProviderClient)` and `mockClient(SESv2Client)` (made once per test file).
 */
export function installFakes(mocks: Mocks, options: { table: LocalTable; userPoolId?: string }): Fakes {
  const { table } = options;
  table.faults.clear();
  const cognito = new FakeCognito(options.userPoolId);
  const ses = new FakeSes();
  mocks.dynamo.reset();
  mocks.cognito.reset();
  mocks.ses.reset();
  // Anything the fakes do not model fails loudly instead of answering undefined.
  mocks.dynamo.onAnyCommand().rejects(new Error('DynamoDB command not routed to DynamoDB Local'));
  mocks.cognito.onAnyCommand().rejects(new Error('fake Cognito: command not modelled'));
  mocks.ses.onAnyCommand().rejects(new Error('fake SES: command not modelled'));
  // The table is DynamoDB Local: each command goes there, through the table's fault injection.
  const commands = {
    BatchGetItem: BatchGetItemCommand,
    DeleteItem: DeleteItemCommand,
    GetItem: GetItemCommand,
    Query: QueryCommand,
    UpdateItem: UpdateItemCommand,
    PutItem: PutItemCommand,
    TransactWriteItems: TransactWriteItemsCommand,
  };
  for (const [op, Command] of Object.entries(commands)) {
    const make = Command as unknown as new (input: unknown) => { readonly input: unknown };
    mocks.dynamo.on(Command as never).callsFake(((input: unknown) => table.forward(op, new make(input))) as never);
  }
  const handlers = cognito.handlers;
  mocks.cognito.on(AdminGetUserCommand).callsFake(handlers.AdminGetUser);
  mocks.cognito.on(AdminCreateUserCommand).callsFake(handlers.AdminCreateUser);
  mocks.cognito.on(AdminSetUserPasswordCommand).callsFake(handlers.AdminSetUserPassword);
  mocks.cognito.on(AdminEnableUserCommand).callsFake(handlers.AdminEnableUser);
  mocks.cognito.on(AdminDisableUserCommand).callsFake(handlers.AdminDisableUser);
  mocks.cognito.on(AdminUpdateUserAttributesCommand).callsFake(handlers.AdminUpdateUserAttributes);
  mocks.cognito.on(AdminDeleteUserAttributesCommand).callsFake(handlers.AdminDeleteUserAttributes);
  mocks.cognito.on(AdminUserGlobalSignOutCommand).callsFake(handlers.AdminUserGlobalSignOut);
  mocks.cognito.on(AdminDeleteUserCommand).callsFake(handlers.AdminDeleteUser);
  mocks.ses.on(SendEmailCommand).callsFake((input) => ses.sendEmail(input));
  return { table, cognito, ses };
}
