import { App, type CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routeTable } from '../../infra/functions';
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
  allowedOrigins: ['https://portal.example.com'],
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

  it.each([
    ['every setting given', fullContext],
    ['every setting at its default', {}],
  ])('reports no unacknowledged error or warning (%s)', (_, context) => {
    const { findings } = context === fullContext ? full : check(context);
    expect(findings.map(describeFinding)).toEqual([]);
  });

  it('acknowledges only findings that exist without the acknowledgement', () => {
    const { findings } = check(fullContext, { acknowledge: false });
    const stale = full.acknowledgements.filter(
      (ack) =>
        !findings.some(
          (finding) =>
            finding.rule === ack.id && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`)),
        ),
    );
    expect(stale).toEqual([]);
  });

  it('keeps acknowledgements few, per resource and explained', () => {
    const acknowledgements: readonly NagAcknowledgement[] = full.acknowledgements;
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
      'AwsSolutions-SQS3',
    ];
    // The one wildcard resource of the portal web deployment role: the web bucket's objects.
    const webBucketId = full.stack.resolve((full.stack.portalWeb.bucket.node.defaultChild as CfnElement).logicalId);
    const webObjects = `AwsSolutions-IAM5[Resource::<${webBucketId}.Arn>/*]`;
    for (const ack of acknowledgements) {
      if (ack.id === webObjects) {
        expect(ack.path).toBe(`${full.stack.portalWeb.deploymentRole.node.path}/DefaultPolicy`);
      } else {
        expect(reviewedRules).toContain(ack.id);
      }
      // On a resource of the stack, never the stack or the app as a whole.
      expect(ack.path.startsWith(`${full.stack.node.path}/`)).toBe(true);
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
