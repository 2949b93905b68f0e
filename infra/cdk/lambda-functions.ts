import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { brandingEnvironmentValue, type Branding } from '../../shared/branding/branding';
import { Construct } from 'constructs';
import { tableDesign } from '../../shared/data/table-design';
import { defaultPortalTicketsPerDay } from '../../shared/tickets/ticket-limits';
import { defaultDealProtectionDays } from '../../shared/deals/deal-limits';
import { bundling } from '../bundling';
import {
  accessMaxFailures,
  functions,
  type CognitoTrigger,
  type EnvVarName,
  type FunctionDeclaration,
} from '../../shared/declarations/functions';
import { AsyncInvocationFailures } from './async-invocation';
import type { PorticoEmail } from './email';
import { ScheduledRun } from './schedules';
import { tableGrantsFor } from './table-permissions';
import { TableStreamSource } from './table-stream';
import { grantFilesBucket } from './files-permissions';

/** Repository root: `entry` paths in the registry are relative to it. */
const repoRoot = path.resolve(__dirname, '..', '..');

const outputFormats: Record<typeof bundling.format, OutputFormat> = { cjs: OutputFormat.CJS };

/** Value of `POWERTOOLS_SERVICE_NAME`: one service; Powertools adds the function name to every log line. */
export const serviceName = 'portico';

/** Deployment settings the provisioning functions read (validated in config.ts). */
export interface ProvisioningSettings {
  readonly senderEmail: string;
  readonly portalSignInUrl: string;
  readonly cognitoCreateRate: number;
  readonly cognitoUpdateRate: number;
  readonly sesSendRate: number;
}

export interface PorticoFunctionsProps {
  readonly table: dynamodb.ITable;
  /** The pool `portalPoolActions` apply to, PORTAL_USER_POOL_ID, and the pool `cognitoTriggers` attach to. */
  readonly portalUserPool: cognito.UserPool;
  /** STAFF_USER_POOL_ID: the pool the portal triggers ignore. */
  readonly staffUserPool: cognito.IUserPool;
  readonly email: PorticoEmail;
  readonly provisioning: ProvisioningSettings;
  /** The deployment's IANA time zone: support windows are dates there. */
  readonly timeZone: string;
  /** ORIGIN_VERIFY_SECRET_ID, which `readsOriginSecret` functions may read (infra/cdk/origin-secret.ts). */
  readonly originSecret: secretsmanager.ISecret;
  /** SUPPORT_REMINDER_DAYS: days before a window ends to remind the person; 0 sends no reminders. */
  readonly supportReminderDays: number;
  /** BRANDING: the organization's name, logo and accent colour, which emails carry. */
  readonly branding: Branding;
  /** PORTAL_TICKETS_PER_DAY: tickets a person may raise on the portal per day (shared/tickets/portal-tickets.ts). */
  readonly portalTicketsPerDay?: number;
  /** DEAL_PROTECTION_DAYS: days an approved deal registration protects the partner (shared/deals/deal-review.ts). */
  readonly dealProtectionDays?: number;
  /** FILES_BUCKET_NAME, which `filesBucket` functions may use on its file prefixes only (infra/cdk/files-bucket.ts). */
  readonly filesBucket: s3.IBucket;
}

/** The user pool operation each declared trigger attaches to. */
const cognitoOperations: Record<CognitoTrigger, cognito.UserPoolOperation> = {
  PreAuthentication: cognito.UserPoolOperation.PRE_AUTHENTICATION,
  PreTokenGeneration: cognito.UserPoolOperation.PRE_TOKEN_GENERATION,
};

/** A function run on a schedule, with the queue its failed runs go to. */
export interface ScheduledFunction {
  readonly name: string;
  readonly fn: lambda.IFunction;
  readonly failureQueue: sqs.IQueue;
  readonly run: ScheduledRun;
}

/** A function the table stream feeds, with the queue its abandoned batches go to. */
export interface StreamConsumer {
  readonly name: string;
  readonly fn: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
}

/** A function invoked asynchronously, with the queues of the events it failed or never received. */
export interface AsyncConsumer {
  readonly name: string;
  readonly fn: lambda.IFunction;
  readonly failures: AsyncInvocationFailures;
}

/** One Lambda function per entry of the function registry, with exactly the environment and access it declares. */
export class PorticoFunctions extends Construct {
  readonly byName: ReadonlyMap<string, lambda.IFunction>;
  readonly streamConsumers: readonly StreamConsumer[];
  readonly asyncConsumers: readonly AsyncConsumer[];
  readonly scheduled: readonly ScheduledFunction[];

  constructor(scope: Construct, id: string, props: PorticoFunctionsProps) {
    super(scope, id);
    // Every variable name a handler may declare must have a value here: adding a name to `EnvVarName`
    // without supplying it is a compile error, not a function that fails at cold start.
    const environmentValues: Record<EnvVarName, string> = {
      TABLE_NAME: props.table.tableName,
      PORTAL_USER_POOL_ID: props.portalUserPool.userPoolId,
      SENDER_EMAIL: props.provisioning.senderEmail,
      PORTAL_SIGN_IN_URL: props.provisioning.portalSignInUrl,
      SES_CONFIGURATION_SET: props.email.configurationSet.configurationSetName,
      COGNITO_CREATE_RATE: String(props.provisioning.cognitoCreateRate),
      COGNITO_UPDATE_RATE: String(props.provisioning.cognitoUpdateRate),
      SES_SEND_RATE: String(props.provisioning.sesSendRate),
      ACCESS_MAX_FAILURES: accessMaxFailures(),
      TIME_ZONE: props.timeZone,
      STAFF_USER_POOL_ID: props.staffUserPool.userPoolId,
      ORIGIN_VERIFY_SECRET_ID: props.originSecret.secretArn,
      SUPPORT_REMINDER_DAYS: String(props.supportReminderDays),
      BRANDING: brandingEnvironmentValue(props.branding),
      PORTAL_TICKETS_PER_DAY: String(props.portalTicketsPerDay ?? defaultPortalTicketsPerDay),
      FILES_BUCKET_NAME: props.filesBucket.bucketName,
      DEAL_PROTECTION_DAYS: String(props.dealProtectionDays ?? defaultDealProtectionDays),
    };
    const streamConsumers: StreamConsumer[] = [];
    const asyncConsumers: AsyncConsumer[] = [];
    const scheduled: ScheduledFunction[] = [];
    this.byName = new Map(
      functions.map((declaration) => {
        const fn = this.createFunction(declaration, environmentValues, props);
        if (declaration.tableStream) {
          const source = new TableStreamSource(this, `${declaration.name}-stream`, {
            declaration: { ...declaration, tableStream: declaration.tableStream },
            fn,
            table: props.table,
          });
          streamConsumers.push({ name: declaration.name, fn, deadLetterQueue: source.deadLetterQueue });
        }
        if (declaration.asyncInvocation) {
          const failures = new AsyncInvocationFailures(this, `${declaration.name}-async`, {
            fn,
            maxRetryAttempts: declaration.asyncInvocation.maxRetryAttempts,
            key: props.email.topicKey,
            viaSns: Boolean(declaration.emailFeedback),
          });
          asyncConsumers.push({ name: declaration.name, fn, failures });
          if (declaration.emailFeedback) props.email.subscribeToFeedback(fn, failures.undelivered!);
        } else if (declaration.emailFeedback) {
          throw new Error(`${declaration.name} receives email feedback through SNS: declare its asyncInvocation`);
        }
        if (declaration.schedule) {
          const run = new ScheduledRun(this, `${declaration.name}-schedule`, {
            declaration: { ...declaration, schedule: declaration.schedule },
            fn,
            timeZone: props.timeZone,
          });
          scheduled.push({ name: declaration.name, fn, failureQueue: run.failureQueue, run });
        }
        return [declaration.name, fn];
      }),
    );
    this.streamConsumers = streamConsumers;
    this.asyncConsumers = asyncConsumers;
    this.scheduled = scheduled;
  }

  private createFunction(
    declaration: FunctionDeclaration,
    environmentValues: Record<EnvVarName, string>,
    props: PorticoFunctionsProps,
  ): lambda.Function {
    const logGroup = new logs.LogGroup(this, `${declaration.name}-logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
    });
    // A role of its own instead of the one NodejsFunction would create with the AWS managed
    // AWSLambdaBasicExecutionRole policy, which may write to every log group in the account: this one may only
    // add streams and events to the function's own group (which exists, so no logs:CreateLogGroup).
    const role = new iam.Role(this, `${declaration.name}-role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${declaration.name} function`,
    });
    logGroup.grantWrite(role);

    const fn = new NodejsFunction(this, declaration.name, {
      description: declaration.description,
      entry: path.join(repoRoot, declaration.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      // Graviton: cheaper per GB-second than x86 and nothing here needs native x86 modules.
      architecture: lambda.Architecture.ARM_64,
      memorySize: declaration.memoryMb,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      environment: {
        ...Object.fromEntries(declaration.environment.map((name) => [name, environmentValues[name]])),
        POWERTOOLS_SERVICE_NAME: serviceName,
      },
      logGroup,
      role,
      tracing: lambda.Tracing.ACTIVE,
      // The settings the local runtime builds with too (infra/bundling.ts), so what runs locally is what
      // deploys. externalModules is empty: the AWS SDK is bundled, so the code runs against the SDK version
      // it was tested with, not whichever one the runtime ships.
      bundling: {
        minify: bundling.minify,
        sourceMap: bundling.sourceMap,
        sourcesContent: bundling.sourcesContent,
        target: bundling.target,
        format: outputFormats[bundling.format],
        externalModules: [...bundling.externalModules],
        inject: [...bundling.inject],
        // Local esbuild (a devDependency) only; Docker is neither needed nor available on every machine.
        forceDockerBundling: false,
      },
    });

    for (const trigger of declaration.cognitoTriggers ?? []) {
      props.portalUserPool.addTrigger(cognitoOperations[trigger], fn);
    }

    const table = props.table;
    // Each index by name rather than `<table>/index/*`: a grant covers the indexes the design declares, no others.
    const indexArns = tableDesign.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`);
    for (const grant of tableGrantsFor(declaration.tableAccess)) {
      const resources = grant.scope === 'table' ? [table.tableArn] : indexArns;
      if (resources.length === 0) continue;
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...grant.actions], resources }));
    }

    const poolActions = declaration.portalPoolActions ?? [];
    if (poolActions.length > 0) {
      const statement = new iam.PolicyStatement({
        actions: poolActions.map((action) => `cognito-idp:${action}`),
        resources: [props.portalUserPool.userPoolArn],
      });
      if (declaration.cognitoTriggers?.length) {
        // The pool depends on its trigger functions, and a function on its role's default policy: naming the
        // pool there would close a cycle. A policy of its own, which the function does not wait for, does not.
        new iam.Policy(this, `${declaration.name}-portal-pool`, { statements: [statement], roles: [fn.role!] });
      } else {
        fn.addToRolePolicy(statement);
      }
    }

    if (declaration.readsOriginSecret) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.originSecret.secretArn],
        }),
      );
    }

    if (declaration.filesBucket) grantFilesBucket(fn, declaration.filesBucket, props.filesBucket);

    if (declaration.sendsEmail) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: [...props.email.sendEmailResources] }),
      );
    }
    return fn;
  }
}
