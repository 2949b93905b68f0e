import * as path from 'node:path';
import { Annotations, Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundling } from '../bundling';
import { functions, type EnvVarName, type FunctionDeclaration } from '../functions';
import { tableGrantsFor } from './table-permissions';

/** Repository root: `entry` paths in the registry are relative to it. */
const repoRoot = path.resolve(__dirname, '..', '..');

const outputFormats: Record<typeof bundling.format, OutputFormat> = { cjs: OutputFormat.CJS };

/** Value of `POWERTOOLS_SERVICE_NAME`: one service; Powertools adds the function name to every log line. */
export const serviceName = 'portico';

export interface PorticoFunctionsProps {
  readonly table: dynamodb.ITable;
}

/** One Lambda function per entry of the function registry, with exactly the environment and access it declares. */
export class PorticoFunctions extends Construct {
  readonly byName: ReadonlyMap<string, lambda.IFunction>;

  constructor(scope: Construct, id: string, props: PorticoFunctionsProps) {
    super(scope, id);
    // Every variable name a handler may declare must have a value here: adding a name to `EnvVarName`
    // without supplying it is a compile error, not a function that fails at cold start.
    const environmentValues: Record<EnvVarName, string> = { TABLE_NAME: props.table.tableName };
    this.byName = new Map(
      functions.map((declaration) => [declaration.name, this.createFunction(declaration, environmentValues, props)]),
    );
  }

  private createFunction(
    declaration: FunctionDeclaration,
    environmentValues: Record<EnvVarName, string>,
    props: PorticoFunctionsProps,
  ): lambda.IFunction {
    const logGroup = new logs.LogGroup(this, `${declaration.name}-logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
    });

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
        // Stack traces point into the TypeScript sources instead of the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: serviceName,
      },
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      // The settings the local runtime builds with too (infra/bundling.ts), so what runs locally is what
      // deploys. externalModules is empty: the AWS SDK is bundled, so the code runs against the SDK version
      // it was tested with, not whichever one the runtime ships.
      bundling: {
        minify: bundling.minify,
        sourceMap: bundling.sourceMap,
        target: bundling.target,
        format: outputFormats[bundling.format],
        externalModules: [...bundling.externalModules],
        // Local esbuild (a devDependency) only; Docker is neither needed nor available on every machine.
        forceDockerBundling: false,
      },
    });

    // The registry can already declare event sources this stack does not create yet. Say so at synth
    // rather than deploy a function that silently never receives its events.
    const unwired = [
      declaration.cognitoTriggers?.length ? 'cognitoTriggers' : undefined,
      declaration.tableStream ? 'tableStream' : undefined,
    ].filter((field) => field !== undefined);
    if (unwired.length > 0) {
      Annotations.of(fn).addWarningV2(
        'portico:unwired-declaration',
        `${declaration.name} declares ${unwired.join(' and ')}, which the CDK stack does not wire yet.`,
      );
    }

    const table = props.table;
    for (const grant of tableGrantsFor(declaration.tableAccess)) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...grant.actions],
          resources: grant.scope === 'table' ? [table.tableArn] : [`${table.tableArn}/index/*`],
        }),
      );
    }
    return fn;
  }
}
