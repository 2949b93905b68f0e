import { App, type CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { functions, routeTable } from '../../shared/declarations/functions';
import { fileObjectPrefixes } from '../../shared/files/file-objects';
import { importObjectPrefix } from '../../shared/imports/import-declarations';
import { parseDeploymentConfig } from '../../infra/cdk/config';
import {
  acknowledgeNagFindings,
  publicRouteReasons,
  type NagAcknowledgement,
} from '../../infra/cdk/nag-acknowledgements';
import { PorticoStack } from '../../infra/cdk/portico-stack';

interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
  readonly description: string;
}

const fullContext: Record<string, unknown> = {
  // A staff CRM front end: the portal web app calls the API on its own origin and needs no CORS.
  allowedOrigins: ['https://crm.example.com'],
  portalDomain: 'portal.example.com',
  portalCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  portalCallbackUrls: ['https://portal.example.com/callback'],
  portalLogoutUrls: ['https://portal.example.com/'],
  senderDomain: 'mail.example.com',
  senderEmail: 'portal@mail.example.com',
  portalSignInUrl: 'https://portal.example.com/',
  alarmEmail: 'ops@example.com',
};

/** The stack as `cdk synth` builds it (bundling skipped), checked by the AwsSolutions pack. */
function check(context: Record<string, unknown>, options: { acknowledge: boolean } = { acknowledge: true }) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PorticoStack(app, 'Portico', { config: parseDeploymentConfig((key) => context[key]) });
  const acknowledgements = options.acknowledge ? acknowledgeNagFindings(stack) : [];
  // Runs aspects and lazy values first, as synthesis does before the validation plugins.
  app.synth();
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
  const findings: Finding[] = report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      rule: violation.ruleName,
      severity: violation.severity ?? 'unknown',
      path: resource.constructPath ?? '(no path)',
      description: violation.description,
    })),
  );
  return { stack, acknowledgements, findings };
}

const describeFinding = (finding: Finding) =>
  `${finding.severity} ${finding.rule} at ${finding.path}: ${finding.description}`;

describe('cdk-nag AwsSolutions', () => {
  const full = check(fullContext);
  const bare = check({});

  it.each([
    ['every setting given', full],
    ['every setting at its default', bare],
  ])('reports no unacknowledged error or warning (%s)', (_, checked) => {
    expect(checked.findings.map(describeFinding)).toEqual([]);
  });

  it.each([
    ['every setting given', fullContext, full],
    ['every setting at its default', {}, bare],
  ])('acknowledges only findings that exist without the acknowledgement (%s)', (_, context, checked) => {
    const { findings } = check(context, { acknowledge: false });
    const stale = checked.acknowledgements.filter(
      (ack) =>
        !findings.some(
          (finding) =>
            finding.rule === ack.id && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`)),
        ),
    );
    expect(stale).toEqual([]);
  });

  it('acknowledges the TLS minimum (CFR4) only on the default certificate, which cannot enforce one', () => {
    const cfr4 = (checked: typeof full) =>
      checked.acknowledgements.filter((ack) => ack.id === 'AwsSolutions-CFR4').map((ack) => ack.path);
    // The staff console has no domain of its own yet: always CloudFront's default certificate.
    expect(cfr4(bare)).toEqual([
      bare.stack.portalWeb.distribution.node.path,
      bare.stack.staffConsole.distribution.node.path,
    ]);
    expect(cfr4(full)).toEqual([full.stack.staffConsole.distribution.node.path]);
  });

  it.each([
    ['every setting given', full],
    ['every setting at its default', bare],
  ])('keeps acknowledgements few, per resource and explained (%s)', (_, checked) => {
    const { stack } = checked;
    const acknowledgements: readonly NagAcknowledgement[] = checked.acknowledgements;
    expect(acknowledgements.length).toBeGreaterThan(0);
    // A new kind of acknowledgement is a security decision: it is added here on purpose, not slipped in.
    const reviewedRules = [
      'AwsSolutions-APIG4',
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR4',
      'AwsSolutions-COG2',
      'AwsSolutions-COG8',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      // The origin secret: rotated by its README procedure, which a rotation function cannot do (CloudFront changes
      // only on deploy).
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ];
    // The one wildcard resource of the portal web deployment role: the web bucket's objects.
    const webBucketId = stack.resolve((stack.portalWeb.bucket.node.defaultChild as CfnElement).logicalId);
    const webObjects = `AwsSolutions-IAM5[Resource::<${webBucketId}.Arn>/*]`;
    // And the staff console's: its bucket's objects, on its own deployment role.
    const consoleBucketId = stack.resolve((stack.staffConsole.bucket.node.defaultChild as CfnElement).logicalId);
    const consoleObjects = `AwsSolutions-IAM5[Resource::<${consoleBucketId}.Arn>/*]`;
    // Each scheduled function's versions and aliases (`<arn>:*`), on its own scheduler role only.
    const scheduledInvokes = new Map(
      stack.functions.scheduled.map((run) => [
        `AwsSolutions-IAM5[Resource::<${stack.resolve((run.fn.node.defaultChild as CfnElement).logicalId)}.Arn>:*]`,
        `${run.run.invokeRole.node.path}/DefaultPolicy`,
      ]),
    );
    // The files bucket's prefixes, on the roles of the functions declaring the bucket only; and the role of CDK's
    // notifications handler, with the managed policy it attaches.
    const filesBucketId = stack.resolve((stack.files.bucket.node.defaultChild as CfnElement).logicalId);
    const filesRoles = functions
      .filter((fn) => fn.filesBucket?.actions.length)
      .map((fn) => `${stack.functions.byName.get(fn.name)!.role!.node.path}/DefaultPolicy`);
    const fileObjects = new Set(
      [...fileObjectPrefixes, importObjectPrefix].map(
        (prefix) => `AwsSolutions-IAM5[Resource::<${filesBucketId}.Arn>/${prefix}*]`,
      ),
    );
    const notificationsBasicRole =
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
    for (const ack of acknowledgements) {
      if (fileObjects.has(ack.id)) {
        expect(filesRoles).toContain(ack.path);
      } else if (ack.id === notificationsBasicRole) {
        expect(ack.path).toMatch(new RegExp(`^${stack.node.path}/BucketNotificationsHandler\\w+/Role$`));
      } else if (ack.id === webObjects) {
        expect(ack.path).toBe(`${stack.portalWeb.deploymentRole.node.path}/DefaultPolicy`);
      } else if (ack.id === consoleObjects) {
        expect(ack.path).toBe(`${stack.staffConsole.deploymentRole.node.path}/DefaultPolicy`);
      } else if (scheduledInvokes.has(ack.id)) {
        expect(ack.path).toBe(scheduledInvokes.get(ack.id));
      } else {
        expect(reviewedRules).toContain(ack.id);
      }
      // On a resource of the stack, never the stack or the app as a whole.
      expect(ack.path.startsWith(`${stack.node.path}/`)).toBe(true);
      expect(ack.reason.length).toBeGreaterThan(100);
      expect(ack.reason).not.toMatch(/\b(not needed|n\/a|todo|tbd)\b/i);
    }
    // One acknowledgement per rule and construct.
    const keys = acknowledgements.map((ack) => `${ack.id} ${ack.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has a reason for exactly the public routes of the route table', () => {
    const publicRoutes = routeTable()
      .filter((route) => route.auth === 'none')
      .map((route) => route.routeKey);
    expect(Object.keys(publicRouteReasons).sort()).toEqual(publicRoutes.sort());
  });

  it('grants the portal web deployment function no wildcard beyond the objects of its bucket', () => {
    const policyPath = `${full.stack.portalWeb.deploymentRole.node.path}/DefaultPolicy`;
    const onPolicy = full.acknowledgements.filter((ack) => ack.path === policyPath).map((ack) => ack.id);
    expect(onPolicy).toEqual([expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<PortalWebBucket\w+\.Arn>\/\*\]$/)]);
  });

  it('refuses to acknowledge a role granting a scopable action on every resource', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new PorticoStack(app, 'Portico', { config: parseDeploymentConfig((key) => fullContext[key]) });
    const [name, fn] = [...stack.functions.byName][0]!;
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: ['*'] }));
    expect(() => acknowledgeNagFindings(stack)).toThrow(new RegExp(`The ${name} role grants dynamodb:Scan on "\\*"`));
  });
});
