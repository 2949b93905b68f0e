import { defaultCreateRate } from '../shared/config/provisioning-defaults';
import { defaultPortalTicketsPerDay } from '../shared/tickets/ticket-limits';
import { defaultDealProtectionDays } from '../shared/deals/deal-limits';
import { localCredentials, localRegion } from '../infra/local/local-aws';
import { localOriginSecretId, localSenderEmail } from '../infra/local/local-stack';
import type { LocalOutputs } from '../infra/outputs';
import { join } from 'node:path';
import { repoRoot } from '../infra/local/stack-process';
import { staffApi } from '../tests/support/staff-api';
import type { BundleReport } from './bundles';
import type { ColdSubject } from './cold-start';
import { httpEvent, portalClaims, staffClaims } from './events';

/** What the bench needs of a running local stack: the functions' environment and a seeded portal person. */

/** The environment the launcher gives the functions (infra/local/local-stack.ts: useLocalAws and after bootstrap). */
export function functionEnvironment(outputs: LocalOutputs): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: localRegion,
    AWS_DEFAULT_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: outputs.DynamoDbEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: outputs.DynamoDbEndpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: outputs.CognitoEndpoint,
    AWS_ENDPOINT_URL_SESV2: outputs.SesEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: outputs.LambdaEndpoint,
    AWS_ENDPOINT_URL_S3: outputs.S3Endpoint,
    TABLE_NAME: outputs.TableName,
    POWERTOOLS_SERVICE_NAME: 'portico-bench',
    PORTAL_USER_POOL_ID: outputs.PortalUserPoolId,
    STAFF_USER_POOL_ID: outputs.StaffUserPoolId,
    SENDER_EMAIL: localSenderEmail,
    PORTAL_SIGN_IN_URL: outputs.PortalWebUrl,
    COGNITO_CREATE_RATE: String(defaultCreateRate),
    TIME_ZONE: 'UTC',
    // Only its name: the portal API reads the secret on the first signature through the web app, never at init.
    ORIGIN_VERIFY_SECRET_ID: localOriginSecretId,
    FILES_BUCKET_NAME: outputs.FilesBucketName,
    PORTAL_TICKETS_PER_DAY: String(defaultPortalTicketsPerDay),
    DEAL_PROTECTION_DAYS: String(defaultDealProtectionDays),
  };
}

async function mailboxHas(outputs: LocalOutputs, address: string): Promise<boolean> {
  const store = (await (await fetch(`${outputs.SesEndpoint}/store`)).json()) as {
    emails: { destination: { to: string[] } }[];
  };
  return store.emails.some((email) => email.destination.to.includes(address));
}

/** A customer contact with portal access effective, and tickets shown on their portal. */
export async function seed(outputs: LocalOutputs, tickets: number) {
  const api = await staffApi(outputs);
  const email = 'bench.viewer@example.com';
  const person = await api.create('contacts', {
    firstName: 'Bench',
    lastName: 'Viewer',
    email,
    portal: { enabled: true },
  });
  const ticketIds: string[] = [];
  for (let i = 0; i < tickets; i++) {
    const ticket = await api.create('tickets', {
      title: `Bench ticket ${i}`,
      description: 'A ticket the bench reads.',
      contactId: person.id,
      showOnPortal: true,
      priority: 'Normal',
    });
    ticketIds.push(ticket.id);
  }
  // A partner contact whose portal includes leads, so partner-deals answers its first call with 200; a partner
  // admin, so portal-colleagues does too.
  const partnerEmail = 'bench.partner@example.com';
  const organization = await api.create('partner-organizations', { name: 'Bench Partner', partnerStatus: 'Active' });
  const partner = await api.create('partner-contacts', {
    lastName: 'Partner',
    email: partnerEmail,
    organizationId: organization.id,
    portal: { enabled: true, components: ['deal-registrations', 'leads'], partnerAdmin: true },
  });
  // Provisioning is done (the invitations are in the mailbox) before anything is timed: the stack is idle.
  const deadline = Date.now() + 60_000;
  for (const address of [email, partnerEmail]) {
    while (!(await mailboxHas(outputs, address))) {
      if (Date.now() > deadline) throw new Error(`No invitation for ${address} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await new Promise((r) => setTimeout(r, 1000));
  // An import awaiting its file: what imports-api's cold start reads (GET /imports/{id}).
  const started = await api.call<{ import: { id: string } }>('POST', '/imports', {
    module: 'contacts',
    fileName: 'bench.csv',
    size: 100,
  });
  if (started.status !== 201) throw new Error(`POST /imports → ${started.status}: ${JSON.stringify(started.body)}`);
  return {
    personId: person.id,
    email,
    ticketId: ticketIds[0]!,
    partnerId: partner.id,
    importId: started.body.import.id,
  };
}

/**
 * What cold init measures: every API function (each needs an event here that its first call answers with
 * 200, or the bench refuses to run) and two variants of crm-records, each beside the baseline its bundle's
 * clients call for.
 */
export function coldSubjects(
  bundles: BundleReport,
  seeded: { personId: string; ticketId: string; partnerId: string; importId: string },
) {
  const { personId, ticketId, partnerId, importId } = seeded;
  const crmEvent = httpEvent('GET /tickets/{id}', { id: ticketId }, staffClaims);
  const portalEvent = httpEvent('GET /portal/{module}', { module: 'tickets' }, portalClaims(personId));
  const baselineEvent = httpEvent('GET /tickets/{id}', { id: ticketId });
  const baselineSubject = (name: string) => {
    const baseline = bundles.baselines[name];
    if (!baseline) throw new Error(`No baseline ${name}`);
    return { name: baseline.name, bundle: baseline.file, event: baselineEvent };
  };
  const eventOf: Record<string, unknown> = {
    'crm-records': crmEvent,
    'portal-api': portalEvent,
    'portal-access-api': httpEvent('GET /contacts/{id}/portal-access', { id: personId }, staffClaims),
    health: httpEvent('GET /health'),
    'staff-identity': httpEvent('GET /me', {}, staffClaims),
    openapi: httpEvent('GET /openapi.json', {}, staffClaims),
    'portal-self-service': httpEvent('GET /portal/overview', {}, portalClaims(personId)),
    'portal-tickets': httpEvent('GET /portal/tickets/{id}/comments', { id: ticketId }, portalClaims(personId)),
    'ticket-comments': httpEvent('GET /tickets/{id}/comments', { id: ticketId }, staffClaims),
    'files-api': httpEvent('GET /tickets/{id}/attachments', { id: ticketId }, staffClaims),
    'partner-deals': httpEvent('GET /portal/leads', {}, portalClaims(partnerId)),
    'portal-colleagues': httpEvent('GET /portal/colleagues', {}, portalClaims(partnerId)),
    'imports-api': httpEvent('GET /imports/{id}', { id: importId }, staffClaims),
  };
  const apiFunctions = bundles.functions.filter((fn) => fn.api);
  const crmRecords = bundles.functions.find((fn) => fn.name === 'crm-records');
  if (!crmRecords) throw new Error('No bundle for crm-records');
  for (const fn of apiFunctions) if (!eventOf[fn.name]) throw new Error(`No cold-start event for ${fn.name}`);
  const subjects: ColdSubject[] = [
    ...apiFunctions.map((fn) => ({
      name: fn.name,
      bundle: fn.file,
      event: eventOf[fn.name],
      baseline: baselineSubject(fn.baseline),
    })),
    {
      name: "crm-records (runtime's SDK)",
      bundle: crmRecords.sdkExternal.file,
      event: crmEvent,
      baseline: baselineSubject(bundles.dynamodbBaseline),
      // The Lambda runtime resolves @aws-sdk/* from its own node_modules; here, the project's.
      env: { NODE_PATH: join(repoRoot, 'node_modules') },
    },
  ];
  return { subjects, crmEvent, portalEvent };
}
