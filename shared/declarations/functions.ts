import { accessRoutes, portalUsersRoutes } from '../access/access-routes';
import { provisioningBacklogRoutes } from '../provisioning/provisioning-backlog';
import { accessStreamInterest } from '../access/stream-changes';
import type { StreamInterest } from '../data/stream-interest';
import { moduleRoutes } from '../modules/module-routes';
import { notificationStreamInterest } from '../notifications/notification-events';
import { portalApiRoutes, portalClientAddressRoutes } from '../portal/portal-routes';
import { selfServiceRoutes } from '../portal/self-service-routes';
import { portalTicketRoutes } from '../tickets/portal-ticket-routes';
import { ticketCommentRoutes } from '../tickets/ticket-comment-routes';
import { fileRoutes } from '../files/file-routes';
import { colleagueRoutes } from '../partners/colleague-routes';
import { partnerDealRoutes } from '../deals/partner-deal-routes';
import { importRoutes } from '../imports/import-routes';
import { importObjectPrefix, importStreamInterest } from '../imports/import-declarations';
import type { HttpRoute, RouteBinding } from '../http/routes';
import { defaultAccessMaxFailures } from '../config/provisioning-defaults';

// Route types are declared in shared/http/routes.ts; named here too for the registry's readers.
export type { HttpMethod, HttpRoute, RouteAuth, RouteBinding } from '../http/routes';

/**
 * The function registry: every Lambda function Portico runs, with its routes, triggers, environment and
 * permissions. The CDK stack and the local runtime both read this list, so a route or function cannot
 * exist in one and not the other.
 */

/** Environment variables a handler's config reads; each runtime supplies the values for its resources. */
export type EnvVarName =
  | 'TABLE_NAME'
  | 'PORTAL_USER_POOL_ID'
  | 'SENDER_EMAIL'
  | 'PORTAL_SIGN_IN_URL'
  | 'SES_CONFIGURATION_SET'
  | 'COGNITO_CREATE_RATE'
  | 'COGNITO_UPDATE_RATE'
  | 'SES_SEND_RATE'
  | 'ACCESS_MAX_FAILURES'
  | 'TIME_ZONE'
  | 'STAFF_USER_POOL_ID'
  | 'ORIGIN_VERIFY_SECRET_ID'
  | 'SUPPORT_REMINDER_DAYS'
  | 'BRANDING'
  | 'PORTAL_TICKETS_PER_DAY'
  | 'FILES_BUCKET_NAME'
  | 'DEAL_PROTECTION_DAYS';

/** Admin actions on the portal user pool, granted on that pool only. */
export type PortalPoolAction =
  | 'AdminGetUser'
  | 'AdminCreateUser'
  | 'AdminSetUserPassword'
  | 'AdminUpdateUserAttributes'
  | 'AdminDeleteUserAttributes'
  | 'AdminEnableUser'
  | 'AdminDisableUser'
  | 'AdminUserGlobalSignOut'
  | 'AdminDeleteUser'
  | 'AdminResetUserPassword';

/** Table permissions, mapped to IAM actions in the CDK stack. */
export type TableAccess = 'probe' | 'read' | 'write';

/** Object actions on the files bucket, granted on its file prefixes only (shared/files/file-objects.ts). */
export type FilesBucketAction = 'PutObject' | 'GetObject';

export interface FilesBucketAccess {
  readonly actions: readonly FilesBucketAction[];
  /** Receives the bucket's ObjectCreated events: an S3 notification in the cloud, the local stand-in's event locally. */
  readonly objectCreated?: boolean;
  /** The key prefixes granted; default the records' file prefixes (shared/files/file-objects.ts). */
  readonly prefixes?: readonly string[];
}

/** Cognito triggers a function can serve (on the portal pool). */
export type CognitoTrigger = 'PreAuthentication' | 'PreTokenGeneration';

/** A run on the clock: EventBridge Scheduler in the cloud, a timer in the local runtime (infra/local/schedules.ts). */
export interface FunctionSchedule {
  /** Every day at this time (`HH:MM`, 24-hour) in the deployment's time zone (TIME_ZONE). */
  readonly dailyAt: `${number}:${number}`;
  /** Retries of a failed run (Lambda's asynchronous retries, 0 to 2); then the event goes to the failure queue. */
  readonly maxRetryAttempts: 0 | 1 | 2;
}

/** A subscription to the table's stream: an event source mapping in the cloud, a poller locally. */
export interface TableStreamSubscription {
  readonly batchSize: number;
  /** Retries after the first attempt; then the batch goes to the failure destination. */
  readonly maxRetryAttempts: number;
  /** The records it wants; everything else is filtered out before the function runs. */
  readonly interest: StreamInterest;
}

export interface FunctionDeclaration {
  /** Logical name: the Lambda function's name locally and the construct id in CDK. */
  readonly name: string;
  readonly description: string;
  /** Repository-relative path of the module exporting `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly environment: readonly EnvVarName[];
  readonly tableAccess: readonly TableAccess[];
  readonly routes: readonly HttpRoute[];
  readonly cognitoTriggers?: readonly CognitoTrigger[];
  readonly tableStream?: TableStreamSubscription;
  readonly schedule?: FunctionSchedule;
  readonly portalPoolActions?: readonly PortalPoolAction[];
  /** Sends email through SES (the sender identity and configuration set only). */
  readonly sendsEmail?: boolean;
  /** Receives the SES configuration set's bounce and complaint events (through SNS in the cloud). */
  readonly emailFeedback?: boolean;
  /** Reads the CloudFront origin secret (ORIGIN_VERIFY_SECRET_ID): `secretsmanager:GetSecretValue` on it alone. */
  readonly readsOriginSecret?: boolean;
  /** The files bucket (FILES_BUCKET_NAME): which object actions, and whether its upload events invoke this function. */
  readonly filesBucket?: FilesBucketAccess;
  /** Invoked asynchronously (SNS): retries after the first attempt, then the event goes to the failure destination. */
  readonly asyncInvocation?: { readonly maxRetryAttempts: number };
}

/** What provisioning logins takes: the environment of shared/access/provisioner-environment.ts and its permissions. */
const provisioning = {
  environment: [
    'TABLE_NAME',
    'TIME_ZONE',
    'PORTAL_USER_POOL_ID',
    'SENDER_EMAIL',
    'PORTAL_SIGN_IN_URL',
    'SES_CONFIGURATION_SET',
    'COGNITO_CREATE_RATE',
    'COGNITO_UPDATE_RATE',
    'SES_SEND_RATE',
    'ACCESS_MAX_FAILURES',
    'BRANDING',
  ],
  tableAccess: ['read', 'write'],
  portalPoolActions: [
    'AdminGetUser',
    'AdminCreateUser',
    'AdminSetUserPassword',
    'AdminUpdateUserAttributes',
    'AdminDeleteUserAttributes',
    'AdminEnableUser',
    'AdminDisableUser',
    'AdminUserGlobalSignOut',
    'AdminDeleteUser',
  ],
  sendsEmail: true,
} as const satisfies Partial<FunctionDeclaration>;

/** What the portal API reads: shared/portal/portal-config.ts. */
const portalEnvironment = ['TABLE_NAME', 'TIME_ZONE'] as const satisfies readonly EnvVarName[];
/**
 * What the portal pool's triggers read. Not the portal pool's own id: the pool names its triggers, so a
 * trigger naming the pool would be a cycle; they learn the pool from each event, and ignore the staff pool
 * (cognito-local runs its triggers for every pool).
 */
const triggerEnvironment = ['TABLE_NAME', 'TIME_ZONE', 'STAFF_USER_POOL_ID'] as const satisfies readonly EnvVarName[];

export const functions: readonly FunctionDeclaration[] = [
  {
    name: 'portal-api',
    description: 'The portal API for partners and customers: profile, visible records, PIN.',
    entry: 'functions/portal-api.ts',
    // scrypt (PIN checks) is CPU-bound, and Lambda's CPU grows with memory.
    memoryMb: 512,
    timeoutSeconds: 10,
    environment: portalEnvironment,
    tableAccess: ['read', 'write'],
    routes: portalApiRoutes.map(({ method, path }) => ({ method, path, auth: 'portal' as const })),
  },
  {
    name: 'portal-self-service',
    description: 'The portal self-service API: profile edits, quote decisions, e-signing, overview.',
    entry: 'functions/portal-self-service.ts',
    // scrypt (the signing PIN) is CPU-bound, and Lambda's CPU grows with memory.
    memoryMb: 512,
    timeoutSeconds: 10,
    environment: [...portalEnvironment, 'ORIGIN_VERIFY_SECRET_ID'],
    tableAccess: ['read', 'write'],
    // Every route that records an origin-verified client address lives here, so portal-api needs no secret.
    readsOriginSecret: true,
    routes: [...selfServiceRoutes, ...portalClientAddressRoutes].map(({ method, path }) => ({
      method,
      path,
      auth: 'portal' as const,
    })),
  },
  {
    name: 'portal-tickets',
    description: "The portal's tickets: raising one, and its conversation with staff.",
    entry: 'functions/portal-tickets.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: [...portalEnvironment, 'PORTAL_TICKETS_PER_DAY'],
    tableAccess: ['read', 'write'],
    routes: portalTicketRoutes.map(({ method, path }) => ({ method, path, auth: 'portal' as const })),
  },
  {
    name: 'portal-sign-in-check',
    description: 'Refuses a portal sign-in before the password is checked when access is not effective now.',
    entry: 'functions/portal-sign-in-check.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    environment: triggerEnvironment,
    // Write: the refusal goes into the person's access history.
    tableAccess: ['read', 'write'],
    routes: [],
    cognitoTriggers: ['PreAuthentication'],
  },
  {
    name: 'portal-token-gate',
    description: 'Refuses portal tokens (sign-in, refresh) when access is not effective now; counts issued sign-ins.',
    entry: 'functions/portal-token-gate.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    environment: triggerEnvironment,
    tableAccess: ['read', 'write'],
    routes: [],
    cognitoTriggers: ['PreTokenGeneration'],
    // Whether the person has chosen a password yet (invited → active), when the event does not say.
    portalPoolActions: ['AdminGetUser'],
  },
  {
    name: 'portal-access-controller',
    description: 'Drives portal logins (Cognito) and invitations (SES) from the table stream.',
    entry: 'functions/portal-access-controller.ts',
    memoryMb: 512,
    // Long enough to wait out another worker's invitation lease (30 s) within one attempt, and to wait for quota
    // permits behind a backlog rather than hand the batch back to Lambda (each hand-back is one retry attempt).
    timeoutSeconds: 300,
    ...provisioning,
    routes: [],
    tableStream: { batchSize: 100, maxRetryAttempts: 10, interest: accessStreamInterest },
  },
  {
    name: 'portal-notifications',
    description:
      'Emails people about their portal records from the table stream: a staff reply, a quote or sales order awaiting them, a shared document, a lead assigned to their partner organization.',
    entry: 'functions/portal-notifications.ts',
    memoryMb: 256,
    // Long enough to wait out another worker's notification lease (20 s) within one attempt.
    timeoutSeconds: 60,
    environment: [
      'TABLE_NAME',
      'TIME_ZONE',
      'SENDER_EMAIL',
      'PORTAL_SIGN_IN_URL',
      'SES_CONFIGURATION_SET',
      'BRANDING',
      'SES_SEND_RATE',
    ],
    // Write: the notification ledger (shared/notifications/notification-ledger.ts).
    tableAccess: ['read', 'write'],
    routes: [],
    sendsEmail: true,
    tableStream: { batchSize: 50, maxRetryAttempts: 10, interest: notificationStreamInterest },
  },
  {
    name: 'portal-access-api',
    description:
      "Staff view and actions on a person's portal access: status and history, resend, password reset, reconcile.",
    entry: 'functions/portal-access-api.ts',
    memoryMb: 512,
    timeoutSeconds: 29,
    ...provisioning,
    // Staff password resets; the stream controller never resets a password.
    portalPoolActions: [...provisioning.portalPoolActions, 'AdminResetUserPassword'],
    routes: [...accessRoutes(), ...portalUsersRoutes, ...provisioningBacklogRoutes].map(({ method, path }) => ({
      method,
      path,
      auth: 'staff' as const,
    })),
  },
  {
    name: 'portal-access-daily',
    description:
      'Daily: brings portal logins in line with support windows that began or ended, sends window-end reminders, and expires deal registrations.',
    entry: 'functions/portal-access-daily.ts',
    memoryMb: 512,
    // The whole walk in one run; a run cut short is retried from the start (every step is idempotent).
    timeoutSeconds: 900,
    ...provisioning,
    // DEAL_PROTECTION_DAYS: the run also expires deal registrations (shared/deals/expire-deal-registrations.ts).
    environment: [...provisioning.environment, 'SUPPORT_REMINDER_DAYS', 'DEAL_PROTECTION_DAYS'],
    routes: [],
    // Just after midnight in the deployment's zone: a window is whole days there.
    schedule: { dailyAt: '00:05', maxRetryAttempts: 2 },
  },
  {
    name: 'ses-feedback',
    description: 'Marks invitations that bounced or drew a complaint, from SES events.',
    entry: 'functions/ses-feedback.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME'],
    tableAccess: ['write'],
    routes: [],
    emailFeedback: true,
    // Lambda's default for asynchronous invocations; a bounce that still fails then waits in the failure queue.
    asyncInvocation: { maxRetryAttempts: 2 },
  },
  {
    name: 'crm-records',
    description: 'Staff CRUD of every CRM module: organizations, people and the records the portal shows.',
    entry: 'functions/crm-records.ts',
    // scrypt (eSign PINs) is CPU-bound, and Lambda's CPU grows with memory.
    memoryMb: 512,
    timeoutSeconds: 10,
    // TIME_ZONE and DEAL_PROTECTION_DAYS: approving a deal registration protects its lead (shared/deals).
    environment: ['TABLE_NAME', 'TIME_ZONE', 'DEAL_PROTECTION_DAYS'],
    tableAccess: ['read', 'write'],
    routes: moduleRoutes().map(({ method, path }) => ({ method, path, auth: 'staff' as const })),
  },
  {
    name: 'ticket-comments',
    description: "Staff's side of a ticket's conversation: replies and internal notes.",
    entry: 'functions/ticket-comments.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME'],
    tableAccess: ['read', 'write'],
    routes: ticketCommentRoutes.map(({ method, path }) => ({ method, path, auth: 'staff' as const })),
  },
  {
    name: 'files-api',
    description: "Tickets' attachments and documents' files for staff and portal users, through presigned S3 URLs.",
    entry: 'functions/files-api.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'TIME_ZONE', 'FILES_BUCKET_NAME'],
    tableAccess: ['read', 'write'],
    // Presigning signs with the function's own credentials: the URL can do only what the role may.
    filesBucket: { actions: ['PutObject', 'GetObject'] },
    routes: fileRoutes.map(({ method, path, auth }) => ({ method, path, auth })),
  },
  {
    name: 'file-uploads',
    description: 'Marks a file uploaded when its object arrives in the files bucket (ObjectCreated events).',
    entry: 'functions/file-uploads.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'FILES_BUCKET_NAME'],
    tableAccess: ['write'],
    // GetObject covers HEAD: the stored size and type are checked before the file counts as uploaded.
    filesBucket: { actions: ['GetObject'], objectCreated: true },
    routes: [],
    asyncInvocation: { maxRetryAttempts: 2 },
  },
  {
    name: 'portal-colleagues',
    description:
      "A partner admin's colleagues: list, invite into their own organization, switch access and components, resend.",
    entry: 'functions/portal-colleagues.ts',
    memoryMb: 512,
    // A resend waits out another worker's invitation lease at most as long as the staff API does.
    timeoutSeconds: 29,
    // A resend sends the invitation at once, as the staff resend does; an invitation goes through the stream controller.
    ...provisioning,
    routes: colleagueRoutes.map(({ method, path }) => ({ method, path, auth: 'portal' as const })),
  },
  {
    name: 'partner-deals',
    description: "Partners' deal registrations and the leads assigned to their organization.",
    entry: 'functions/partner-deals.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    // No DEAL_PROTECTION_DAYS: partners register and update; approving (which sets the protection) is staff's.
    environment: portalEnvironment,
    tableAccess: ['read', 'write'],
    routes: partnerDealRoutes.map(({ method, path }) => ({ method, path, auth: 'portal' as const })),
  },
  {
    name: 'imports-api',
    description: 'Staff CSV imports: start one with a presigned upload, dry run, commit, progress and error report.',
    entry: 'functions/imports-api.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'FILES_BUCKET_NAME'],
    tableAccess: ['read', 'write'],
    // Presigned upload of the file and download of the report; GetObject also covers the HEAD of the upload.
    filesBucket: { actions: ['PutObject', 'GetObject'], prefixes: [importObjectPrefix] },
    routes: importRoutes.map(({ method, path }) => ({ method, path, auth: 'staff' as const })),
  },
  {
    name: 'import-worker',
    description:
      'Runs CSV imports in chunks from the table stream: plans the file, validates and upserts rows, reports.',
    entry: 'functions/import-worker.ts',
    // csv-parse and a chunk's rows side by side; the planning pass streams the file, never holds it whole.
    memoryMb: 512,
    // A chunk takes seconds; planning a 50 MB file takes well under a minute.
    timeoutSeconds: 120,
    environment: ['TABLE_NAME', 'FILES_BUCKET_NAME'],
    tableAccess: ['read', 'write'],
    filesBucket: { actions: ['PutObject', 'GetObject'], prefixes: [importObjectPrefix] },
    routes: [],
    // Small batches: each chunk record is a hundred rows of work. Retries wait out a crashed worker's chunk lease.
    tableStream: { batchSize: 10, maxRetryAttempts: 10, interest: importStreamInterest },
  },
  {
    name: 'health',
    description: 'Reports whether the dependencies Portico needs are reachable.',
    entry: 'functions/health.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    environment: ['TABLE_NAME'],
    tableAccess: ['probe'],
    routes: [{ method: 'GET', path: '/health', auth: 'none' }],
  },
  {
    name: 'staff-identity',
    description: 'Returns who the calling staff user is, as the staff authorizer saw them.',
    entry: 'functions/staff-identity.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    environment: [],
    tableAccess: [],
    routes: [{ method: 'GET', path: '/me', auth: 'staff' }],
  },
  {
    name: 'openapi',
    description: 'Serves the OpenAPI 3.1 description of the API, derived from the function and module registries.',
    entry: 'functions/openapi.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    environment: [],
    tableAccess: [],
    routes: [{ method: 'GET', path: '/openapi.json', auth: 'none' }],
  },
];

/** Every HTTP route with the function serving it, in declaration order. */
export function routeTable(declarations: readonly FunctionDeclaration[] = functions): RouteBinding[] {
  const seen = new Set<string>();
  return declarations.flatMap((fn) =>
    fn.routes.map((route) => {
      const routeKey = `${route.method} ${route.path}`;
      if (seen.has(routeKey)) throw new Error(`Route ${routeKey} is declared twice`);
      seen.add(routeKey);
      return { ...route, routeKey, functionName: fn.name };
    }),
  );
}

/** Trigger name → function name, the shape cognito-local's `TriggerFunctions` setting takes. */
export function cognitoTriggerTable(declarations: readonly FunctionDeclaration[] = functions): Record<string, string> {
  const table: Record<string, string> = {};
  for (const fn of declarations) {
    for (const trigger of fn.cognitoTriggers ?? []) {
      if (table[trigger]) throw new Error(`Cognito trigger ${trigger} is declared by ${table[trigger]} and ${fn.name}`);
      table[trigger] = fn.name;
    }
  }
  return table;
}

/**
 * ACCESS_MAX_FAILURES: as many failures in a row as the stream consumer reading it retries a record, so a person
 * shows `failed` when the stream gives up on them, not before. One value for every function (the staff API records
 * failures of the same people), so stream consumers that disagree are a registry error.
 */
export function accessMaxFailures(declarations: readonly FunctionDeclaration[] = functions): string {
  const attempts = new Set(
    declarations
      .filter((fn) => fn.environment.includes('ACCESS_MAX_FAILURES'))
      .flatMap((fn) => (fn.tableStream ? [fn.tableStream.maxRetryAttempts] : [])),
  );
  if (attempts.size > 1) {
    throw new Error(
      `Stream consumers reading ACCESS_MAX_FAILURES retry different numbers of times (${[...attempts].join(', ')}); ACCESS_MAX_FAILURES has one value`,
    );
  }
  return String([...attempts][0] ?? defaultAccessMaxFailures);
}
