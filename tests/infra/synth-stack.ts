import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type IConstruct } from 'constructs';
import { functions, type FunctionDeclaration } from '../../shared/declarations/functions';
import { parseDeploymentConfig, type DeploymentConfig } from '../../infra/cdk/config';
import { PorticoStack } from '../../infra/cdk/portico-stack';

/** The Portico stack synthesized for template assertions, and helpers the stack's test files share. */

export type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

/** An intrinsic as text: `{"Fn::Join":["",["a",{"Ref":"X"}]]}` → `a${X}`. Other intrinsics are refused. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return `\${${object.Ref}}`;
  const join = object['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

export const context = (values: Record<string, unknown>) => (key: string) => values[key];

export function synth(config: DeploymentConfig) {
  // An empty bundling-stacks list tells NodejsFunction to skip esbuild: tests check the template, not bundles.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PorticoStack(app, 'Portico', { config });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  // Resolving the token (rather than getLogicalId) honours overrideLogicalId on pinned resources.
  const logicalId = (construct: IConstruct): string =>
    stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  return { stack, template, resources, logicalId, ofType };
}

export const config = parseDeploymentConfig(
  context({
    allowedOrigins: ['https://portal.example.com', 'https://crm.example.com'],
    portalCallbackUrls: 'https://portal.example.com/callback',
    portalLogoutUrls: 'https://portal.example.com/',
    apiThrottle: { rateLimit: 20, burstLimit: 40 },
    senderEmail: 'portal@mail.example.com',
    senderDomain: 'mail.example.com',
    portalSignInUrl: 'https://portal.example.com/sign-in',
    // As `-c cognitoCreateRate=25` passes it.
    cognitoCreateRate: '25',
    cognitoUpdateRate: '20',
    sesSendRate: '10',
    alarmEmail: 'ops@example.com',
    organizationName: 'Acme Partners',
    supportReminderDays: '7',
  }),
);

/** The stack with no context at all (every default), synthesized once for the tests that need it. */
let bareStack: ReturnType<typeof synth> | undefined;
export const bare = () => (bareStack ??= synth(parseDeploymentConfig(context({}))));

/** Functions that declare a table stream subscription. */
export const streamFunctions = functions.filter(
  (fn): fn is FunctionDeclaration & { tableStream: NonNullable<FunctionDeclaration['tableStream']> } =>
    fn.tableStream !== undefined,
);
export const feedbackFunctions = functions.filter((fn) => fn.emailFeedback);

/** The stack of the full test configuration, with the lookups most tests need. */
export function stackUnderTest() {
  const synthesized = synth(config);
  const { stack, logicalId } = synthesized;
  return {
    ...synthesized,
    tableArn: { 'Fn::GetAtt': ['Table', 'Arn'] },
    streamArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
    portalPoolArn: { 'Fn::GetAtt': [logicalId(stack.identity.pools.portal.pool), 'Arn'] },
    functionId: (name: string) => logicalId(stack.functions.byName.get(name)!),
    queueIdOf: (name: string) =>
      logicalId(stack.functions.streamConsumers.find((consumer) => consumer.name === name)!.deadLetterQueue),
    scheduleQueueIdOf: (name: string) =>
      logicalId(stack.functions.scheduled.find((run) => run.name === name)!.failureQueue as never),
  };
}

export interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] };
  Period: number;
  Stat: string;
}

/** An event filter pattern, in the subset the stack uses: nested objects ending in lists of exact values. */
export type Pattern = { [key: string]: Pattern | readonly (string | number | boolean)[] };

/** Lambda's event filtering for that subset: every key of the pattern must be present and equal to a listed value. */
export function matches(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const value = (event as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(expected)) {
      if (!expected.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) {
        throw new Error(`Pattern operator not supported by this test: ${JSON.stringify(expected)}`);
      }
      return expected.includes(value as string);
    }
    return typeof value === 'object' && value !== null && matches(expected as Pattern, value);
  });
}

export function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

export function isRef(value: unknown, logicalId: string): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: string }).Ref === logicalId;
}
