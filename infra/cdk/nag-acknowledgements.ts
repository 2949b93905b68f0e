import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { functions, routeTable } from '../../shared/declarations/functions';
import { fileObjectPrefixes } from '../../shared/files/file-objects';
import { userPools, type PoolKind } from '../../shared/security/user-pools';
import { threatProtection } from './identity';
import type { PorticoStack } from './portico-stack';

/**
 * Every cdk-nag (AwsSolutions) finding Portico accepts instead of fixing, with the reason, in one place. The app
 * (infra/cdk/app.ts) and the cdk-nag test both apply them; anything else cdk-nag reports fails both.
 *
 * cdk-nag 3 reads acknowledgements through CDK's `Validations.of(construct).acknowledge`; a granular rule's finding
 * is named `Rule[finding]` (e.g. `AwsSolutions-IAM5[Resource::*]`), which is what cdk-nag 2's `appliesTo` expressed.
 * Each acknowledgement is placed on the one construct it concerns, never on the stack.
 */
export interface NagAcknowledgement {
  /** Construct path the acknowledgement is attached to (it covers that construct's subtree). */
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/**
 * Routes callable without a token (declared `auth: 'none'` in shared/declarations/functions.ts), each with why it may be. A public
 * route missing here is not acknowledged, so it fails cdk-nag (AwsSolutions-APIG4) until someone states the reason.
 */
export const publicRouteReasons: Readonly<Record<string, string>> = {
  'GET /health':
    'uptime monitors and the deploy check (README) call it without credentials; it answers only whether the table is reachable (status, latency and a fixed failure word), never data, and the stage throttling limits it like every route',
  'GET /openapi.json':
    "the API's description is for the integrators who generate clients from it and for the API reference page, none of whom hold a staff token; it describes routes and schemas only (no pool, table or host names, no data, no secrets), every operation it lists still needs its own token, and it is cached for five minutes and throttled like every route",
};

/**
 * Actions IAM cannot scope to a resource (the service authorization reference lists no resource type for them), so
 * a policy may grant them only on `*`. A function role granting any other action on `*` is a synth error.
 */
export const unscopableActions: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'X-Ray trace upload for active tracing',
  'xray:PutTelemetryRecords': 'X-Ray daemon telemetry for active tracing',
  'dynamodb:ListStreams':
    "listing the table's stream ARNs, which the Lambda event source mapping does with the function's role; it reads no items",
};

/** Why a pool whose declaration makes MFA optional does not require it (AwsSolutions-COG2). */
const optionalMfaReasons: Record<PoolKind, string> = {
  staff:
    "an account an administrator creates must be able to sign in and enrol TOTP itself (README, 'The first staff user'), as the password-flow token tooling (initiate-auth) does; each staff user is told to enrol",
  portal:
    'its users are customers and partner contacts invited by email, and requiring an authenticator app before the first sign-in would keep many of them out; each may enrol TOTP',
};

/** Added to the MFA reason of pools with threat protection. */
const threatProtectionNote =
  'Full-function threat protection (Plus plan) on this pool blocks breached passwords and makes high-risk sign-ins pass TOTP or be refused';

/**
 * Why a pool stays on Essentials (AwsSolutions-COG8). Only pools without `threatProtection` need one; a pool without
 * threat protection and without a reason here stays a finding.
 */
const essentialsPlanReasons: Partial<Record<PoolKind, string>> = {
  portal:
    "every invited customer and partner contact is a monthly active user, and Plus is billed for each of them without the free tier Essentials has: adopting it is the operator's cost decision (set threatProtection.portal in infra/cdk/identity.ts). Sign-in is guarded meanwhile by no self sign-up, a 12-character password policy with all character classes, suppressed user-existence errors, optional TOTP and API stage throttling",
};

/** Applies every acknowledgement to `stack` and returns them (the cdk-nag test checks each one is still needed). */
export function acknowledgeNagFindings(stack: PorticoStack): NagAcknowledgement[] {
  const applied: NagAcknowledgement[] = [];
  const acknowledge = (construct: IConstruct, id: string, reason: string) => {
    Validations.of(construct).acknowledge({ id, reason });
    applied.push({ path: construct.node.path, id, reason });
  };

  // Cognito: MFA optional (COG2) and, for pools without threat protection, the Essentials plan (COG8).
  for (const kind of Object.keys(userPools) as PoolKind[]) {
    const { pool } = stack.identity.pools[kind];
    // Only optional TOTP is acknowledged: a pool with MFA off stays a finding.
    if (userPools[kind].mfa === 'optional-totp') {
      const protection = threatProtection[kind] ? ` ${threatProtectionNote}.` : '';
      acknowledge(
        pool,
        'AwsSolutions-COG2',
        `The ${kind} user pool makes MFA (TOTP) optional, as shared/security/user-pools.ts declares: ${optionalMfaReasons[kind]}.${protection}`,
      );
    }
    const essentials = essentialsPlanReasons[kind];
    if (!threatProtection[kind] && essentials !== undefined) {
      acknowledge(pool, 'AwsSolutions-COG8', `The ${kind} user pool stays on the Essentials plan: ${essentials}.`);
    }
  }

  // Function roles: only the actions IAM cannot scope are granted on `*` (IAM5).
  for (const [name, fn] of stack.functions.byName) {
    const policy = fn.role?.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    if (!policy) throw new Error(`The ${name} function has no role policy to review`);
    const onEveryResource = actionsOnEveryResource(policy);
    const unexplained = onEveryResource.filter((action) => !(action in unscopableActions));
    if (unexplained.length > 0) {
      throw new Error(
        `The ${name} role grants ${unexplained.join(', ')} on "*": name the resource, or (only if IAM cannot scope the action) add it to unscopableActions in infra/cdk/nag-acknowledgements.ts`,
      );
    }
    if (onEveryResource.length > 0) {
      const why = onEveryResource.map((action) => `${action} (${unscopableActions[action]})`).join('; ');
      acknowledge(
        policy,
        'AwsSolutions-IAM5[Resource::*]',
        `The ${name} execution role grants on "*" only actions IAM cannot scope to a resource: ${why}. Every other statement names its table, index, stream, queue, user pool, SES identity or log group.`,
      );
    }
  }

  // Stream failure queues are dead-letter queues themselves (SQS3).
  for (const consumer of stack.functions.streamConsumers) {
    acknowledge(
      consumer.deadLetterQueue,
      'AwsSolutions-SQS3',
      `This queue is the on-failure destination (the dead-letter queue) of the ${consumer.name} table stream event source mapping; Lambda writes only batch locations to it, nothing consumes it automatically, and the ${consumer.name}-dlq alarm fires on its first message. A queue behind it would hold nothing.`,
    );
  }

  // The failure queues of asynchronous invocations are dead-letter queues themselves (SQS3).
  for (const consumer of stack.functions.asyncConsumers) {
    const { failed, undelivered } = consumer.failures;
    acknowledge(
      failed,
      'AwsSolutions-SQS3',
      `This queue is the on-failure destination of the ${consumer.name} function's asynchronous invocations: Lambda puts here an event that failed every retry, nothing consumes it automatically, and the ${consumer.name}-failed alarm fires on its first message. A queue behind it would hold nothing.`,
    );
    if (undelivered)
      acknowledge(
        undelivered,
        'AwsSolutions-SQS3',
        `This queue is the dead-letter queue (redrive policy) of the ${consumer.name} function's SNS subscription: SNS puts here a message it could not deliver, nothing consumes it automatically, and the ${consumer.name}-undelivered alarm fires on its first message. A queue behind it would hold nothing.`,
      );
  }

  // Scheduled runs: their failure queue is a dead-letter queue (SQS3); invoking a function grants its versions (IAM5).
  for (const scheduled of stack.functions.scheduled) {
    acknowledge(
      scheduled.failureQueue,
      'AwsSolutions-SQS3',
      `This queue is where a failed run of ${scheduled.name} ends up: the dead-letter queue of its EventBridge Scheduler schedule and the function's asynchronous on-failure destination; the ${scheduled.name}-failures alarm fires on its first message. A queue behind it would hold nothing.`,
    );
    const fnId = stack.resolve((scheduled.fn.node.defaultChild as CfnElement).logicalId) as string;
    const policy = scheduled.run.invokeRole.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error(`The ${scheduled.name} schedule role has no policy to review`);
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
      `The scheduler role may invoke the ${scheduled.name} function only: \`<arn>:*\` is that same function's versions and aliases, as Lambda's invoke grant names them.`,
    );
  }

  // Public routes (APIG4), each only with its stated reason.
  for (const route of routeTable()) {
    const reason = publicRouteReasons[route.routeKey];
    if (route.auth !== 'none' || reason === undefined) continue;
    const httpRoute = stack.api.routes.get(route.routeKey);
    if (!httpRoute) throw new Error(`Route ${route.routeKey} is not in the API`);
    acknowledge(httpRoute, 'AwsSolutions-APIG4', `${route.routeKey} is public by design: ${reason}.`);
  }

  acknowledgePortalWeb(stack, acknowledge);
  acknowledgeStaffConsole(stack, acknowledge);
  acknowledgeFilesBucket(stack, acknowledge);

  // The origin secret is rotated by its procedure, not by a rotation function (SMG4).
  acknowledge(
    stack.originSecret.secret,
    'AwsSolutions-SMG4',
    "The origin secret has no rotation schedule because a new value is useful only once CloudFront sends it, which takes a deploy (CloudFormation resolves the origin header's dynamic reference then). README, 'Rotating the origin secret', rotates it without downtime: put a new value (the API accepts the current and the previous one), wait out the API's five-minute cache, deploy with originSecretVersion set to the new version.",
  );

  return applied;
}

type Acknowledge = (construct: IConstruct, id: string, reason: string) => void;

/**
 * The portal web app's distribution (CFR1, CFR2, and CFR4 on the default certificate), its buckets' own access logs
 * (S1), and the function CDK provides to copy the build into the bucket (L1) with its role (IAM5).
 */
function acknowledgePortalWeb(stack: PorticoStack, acknowledge: Acknowledge): void {
  const web = stack.portalWeb;
  acknowledge(
    web.distribution,
    'AwsSolutions-CFR1',
    'The portal serves invited customers and partner contacts wherever they are, and the stack cannot know their countries; geographic restriction is left to the operator, who can add it when the business has a list. Access to data needs a portal login in any case.',
  );
  acknowledge(
    web.distribution,
    'AwsSolutions-CFR2',
    "No AWS WAF web ACL: one for CloudFront must live in us-east-1 (another stack when Portico deploys elsewhere) and is billed per ACL, rule and request. The distribution serves a static app, and its API paths reach the HTTP API, which throttles its stage and answers data only to a portal token; adding WAF (rate-based and managed rules) is the operator's cost decision.",
  );
  // With portalDomain the distribution enforces TLSv1.2_2021 and complies; only the default certificate needs this.
  if (!web.customDomain) {
    acknowledge(
      web.distribution,
      'AwsSolutions-CFR4',
      "The distribution uses CloudFront's default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1 whatever MinimumProtocolVersion says. Enforcing TLSv1.2_2021 needs the portal's own domain: set portalDomain and portalCertificateArn (an ACM certificate in us-east-1), and this acknowledgement is no longer applied. Browsers that the app supports negotiate TLS 1.2 or 1.3 anyway.",
    );
  }
  acknowledge(
    web.bucket,
    'AwsSolutions-S1',
    "The bucket holds only the public build of web/ and config.json (no data). Only this distribution reads it, through Origin Access Control, and only the deployment function writes it; CloudFront's access logs (the AccessLogs bucket) record every viewer request, so S3 server access logs would add only CloudFront's own fetches.",
  );
  acknowledge(
    web.logBucket,
    'AwsSolutions-S1',
    "This is the log bucket: CloudFront writes the distribution's access logs here and nothing else does. Server access logs of a log bucket would need yet another bucket (or would log into itself without end); objects expire after 30 days.",
  );

  // BucketDeployment's function: its runtime is CDK's choice, the same function for every CDK app.
  const handler = web.deployments.entry.node.findChild('CustomResourceHandler') as lambda.SingletonFunction;
  acknowledge(
    stack.node.findChild(handler.constructName),
    'AwsSolutions-L1',
    'This is the function aws-cdk-lib provides for s3-deployment BucketDeployment (it runs the AWS CLI from a Lambda layer to copy the portal web build into its bucket). aws-cdk-lib pins its Python runtime and moves it forward in its own releases; Portico does not override it, so the version that CDK tested with its layer is what runs.',
  );

  // Its role (a role of its own, with exact grants): PutObject must name the bucket's objects, whose keys each build
  // chooses.
  const policy = web.deploymentRole.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  if (!policy) throw new Error('The portal web deployment role has no policy to review');
  const bucketId = stack.resolve((web.bucket.node.defaultChild as CfnElement).logicalId) as string;
  acknowledge(
    policy,
    `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
    "The portal web deployment function may put objects (and abort its own multipart uploads) under any key of the web bucket, because each build names its script and stylesheet by content hash. It may not read or delete them, nor touch any other bucket: it reads only the zip objects of this deployment's sources from the CDK asset bucket.",
  );
}

/**
 * The staff console's distribution and buckets: the portal app's reasons, for an app staff use (the same construct,
 * infra/cdk/portal-web.ts). The deployment function is the same singleton as the portal's (L1 acknowledged there).
 */
function acknowledgeStaffConsole(stack: PorticoStack, acknowledge: Acknowledge): void {
  const web = stack.staffConsole;
  acknowledge(
    web.distribution,
    'AwsSolutions-CFR1',
    "Staff sign in from wherever they work, and the stack cannot know those countries; geographic restriction is left to the operator. Every screen's data needs a staff login (the staff pool runs threat protection and offers TOTP).",
  );
  acknowledge(
    web.distribution,
    'AwsSolutions-CFR2',
    "No AWS WAF web ACL, as for the portal app: one for CloudFront must live in us-east-1 and is billed per ACL, rule and request. The distribution serves a static app, and its /api/* paths reach the HTTP API, which throttles its stage and answers data only to a staff token; adding WAF is the operator's cost decision.",
  );
  acknowledge(
    web.distribution,
    'AwsSolutions-CFR4',
    "The console uses CloudFront's default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1 whatever MinimumProtocolVersion says; a domain of its own (with an ACM certificate) would enforce TLSv1.2_2021. Browsers that the console supports negotiate TLS 1.2 or 1.3 anyway.",
  );
  acknowledge(
    web.bucket,
    'AwsSolutions-S1',
    "The bucket holds only the public build of console/ and config.json (no data). Only this distribution reads it, through Origin Access Control, and only the deployment function writes it; CloudFront's access logs record every viewer request.",
  );
  acknowledge(
    web.logBucket,
    'AwsSolutions-S1',
    "This is the console distribution's log bucket: CloudFront writes its access logs here and nothing else does; objects expire after 30 days.",
  );
  const policy = web.deploymentRole.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  if (!policy) throw new Error('The staff console deployment role has no policy to review');
  const bucketId = stack.resolve((web.bucket.node.defaultChild as CfnElement).logicalId) as string;
  acknowledge(
    policy,
    `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
    'The staff console deployment function may put objects (and abort its own multipart uploads) under any key of the console bucket, because each build names its script and stylesheet by content hash. It may not read or delete them, nor touch any other bucket.',
  );
}

/**
 * The files bucket: its functions' object grants on the file prefixes (IAM5), and the function CDK provides to set
 * the bucket's event notifications (IAM4; cdk-nag finds nothing else on it).
 */
function acknowledgeFilesBucket(stack: PorticoStack, acknowledge: Acknowledge): void {
  const bucket = stack.files.bucket;
  const bucketId = stack.resolve((bucket.node.defaultChild as CfnElement).logicalId) as string;
  for (const declaration of functions.filter((candidate) => candidate.filesBucket?.actions.length)) {
    const fn = stack.functions.byName.get(declaration.name)!;
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error(`The ${declaration.name} function has no role policy to review`);
    const actions = declaration.filesBucket!.actions.map((action) => `s3:${action}`).join(', ');
    const prefixes = declaration.filesBucket!.prefixes;
    for (const prefix of prefixes ?? []) {
      acknowledge(
        policy,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        `The ${declaration.name} function may ${actions} only on objects under \`${prefix}\` of the files bucket: a CSV import's file and error reports, whose keys hold the import's id the API creates (shared/imports/import-objects.ts), so no narrower resource can be known when the policy is written. It presigns one object per request and has no ListBucket, DeleteObject or bucket-setting action.`,
      );
    }
    for (const prefix of prefixes ? [] : fileObjectPrefixes) {
      acknowledge(
        policy,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        `The ${declaration.name} function may ${actions} only on objects under \`${prefix}\` of the files bucket, whose keys name the record and a file id the API creates per upload (shared/files/file-objects.ts), so no narrower resource can be known when the policy is written. Every request is checked by the API first (the record exists, and on the portal it is shown to the person) and the URLs it presigns name one object; the role has no ListBucket, DeleteObject or bucket-setting action.`,
      );
    }
  }

  // aws-cdk-lib's BucketNotificationsHandler: a singleton function CDK defines to put the bucket's notification
  // configuration (s3n.LambdaDestination), with a role of CDK's making.
  const handler = stack.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
  if (!handler) throw new Error("The files bucket's notifications handler is not in the stack");
  const role = handler.node.findChild('Role');
  acknowledge(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    "This is the role aws-cdk-lib creates for its BucketNotificationsHandler, the deploy-time function that puts the files bucket's event notifications; CDK attaches AWSLambdaBasicExecutionRole (its own log writes) and does not let the app replace it. It runs only during CloudFormation deployments.",
  );
}

/** Actions that a policy grants with `*` among its resources. */
function actionsOnEveryResource(policy: iam.Policy): string[] {
  const document = Stack.of(policy).resolve(policy.document.toJSON()) as {
    Statement?: { Effect: string; Action: string | string[]; Resource: unknown }[];
  };
  const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
  const actions = (document.Statement ?? [])
    .filter((statement) => statement.Effect === 'Allow' && list(statement.Resource).includes('*'))
    .flatMap((statement) => list(statement.Action));
  return [...new Set(actions)].sort();
}
