import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { parseDeploymentConfig } from '../../infra/cdk/config';
import { stripPrefixFunctionCode } from '../../infra/cdk/portal-web';
import { PorticoStack } from '../../infra/cdk/portico-stack';
import { portalWebSecurityHeaders } from '../../infra/portal-web';
import { staffConsoleApiPaths, staffConsoleApiPrefix, staffConsoleScopes } from '../../infra/staff-console';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

/** An intrinsic as text: `{"Fn::Join":["",["a",{"Ref":"X"}]]}` → `a${X}`, `{"Fn::GetAtt":["X","Y"]}` → `${X.Y}`. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return `\${${object.Ref}}`;
  const getAtt = object['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt) return `\${${getAtt[0]}.${getAtt[1]}}`;
  const join = object['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

/**
 * The staff console in the cloud: the portal app's construct (infra/cdk/portal-web.ts) serving console/ from a bucket
 * of its own, behind a distribution of its own, signing in at the staff pool's hosted login with the console client.
 */
describe('staff console hosting', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PorticoStack(app, 'Portico', { config: parseDeploymentConfig(() => undefined) });
  const assemblyDir = app.synth().directory;
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
  const logicalId = (construct: IConstruct): string =>
    stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const web = stack.staffConsole;
  const distribution = resources[logicalId(web.distribution)]!.Properties.DistributionConfig as {
    DefaultCacheBehavior: Record<string, unknown>;
    CacheBehaviors: Record<string, unknown>[];
    Origins: Record<string, unknown>[];
    Comment: string;
  };
  const originOf = (behavior: Record<string, unknown>) =>
    distribution.Origins.find((origin) => origin.Id === behavior.TargetOriginId)!;
  const staff = stack.identity.pools.staff;
  const loginOrigin = `https://\${${logicalId(staff.loginDomain!)}}.auth.\${AWS::Region}.amazoncognito.com`;

  it('is a distribution and a private bucket of its own, beside the portal app', () => {
    expect(web.distribution).not.toBe(stack.portalWeb.distribution);
    expect(ofType('AWS::CloudFront::Distribution')).toHaveLength(2);
    expect(distribution.Comment).toBe('Portico staff console');
    const bucket = resources[logicalId(web.bucket)]!;
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    // Only this distribution reads it (Origin Access Control).
    const [policy] = ofType('AWS::S3::BucketPolicy').filter(
      ([, resource]) => JSON.stringify(resource.Properties.Bucket) === JSON.stringify({ Ref: logicalId(web.bucket) }),
    );
    const allows = (
      policy![1].Properties.PolicyDocument as { Statement: { Effect: string; Condition?: unknown }[] }
    ).Statement.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(JSON.stringify(allows[0]!.Condition)).toContain(logicalId(web.distribution));
    expect(render(originOf(distribution.DefaultCacheBehavior).DomainName)).toBe(
      `\${${logicalId(web.bucket)}.RegionalDomainName}`,
    );
  });

  it('forwards /api/* to the HTTP API without the prefix, uncached, HTTPS only, and serves nothing else there', () => {
    expect(distribution.CacheBehaviors.map((behavior) => behavior.PathPattern)).toEqual([...staffConsoleApiPaths]);
    const [behavior] = distribution.CacheBehaviors;
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    });
    expect(render(originOf(behavior!).DomainName)).toBe(
      `\${${logicalId(stack.api.httpApi)}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}`,
    );
    const [association] = behavior!.FunctionAssociations as { EventType: string; FunctionARN: unknown }[];
    expect(association!.EventType).toBe('viewer-request');
    const functionId = (association!.FunctionARN as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources[functionId]!.Properties).toMatchObject({
      FunctionCode: stripPrefixFunctionCode(staffConsoleApiPrefix),
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
    });
  });

  it("sends the app's strict headers on every behaviour, allowing the staff hosted login", () => {
    const ids = [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors].map(
      (behavior) => (behavior.ResponseHeadersPolicyId as { Ref: string }).Ref,
    );
    expect(new Set(ids).size).toBe(1);
    const config = resources[ids[0]!]!.Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
    };
    const csp = render(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    const filesBucket = render(resources[logicalId(stack.files.bucket)]!.Properties.BucketName);
    expect(csp).toBe(
      portalWebSecurityHeaders({
        login: loginOrigin,
        files: `https://${filesBucket}.s3.\${AWS::Region}.\${AWS::URLSuffix}`,
      }).contentSecurityPolicy,
    );
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain('unsafe');
  });

  it('deploys the build of console/ with config.json naming the staff hosted login and the console client', () => {
    const deployments = ofType('Custom::CDKBucketDeployment').filter(
      ([, resource]) =>
        JSON.stringify(resource.Properties.DestinationBucketName) === JSON.stringify({ Ref: logicalId(web.bucket) }),
    );
    expect(deployments).toHaveLength(2);
    const entry = resources[logicalId(web.deployments.entry.node.findChild('CustomResource'))]!;
    const keys = entry.Properties.SourceObjectKeys as string[];
    const assetDir = (key: string) => path.join(assemblyDir, `asset.${key.replace(/\.zip$/, '')}`);
    expect(readdirSync(assetDir(keys[0]!)).sort()).toEqual([
      expect.stringMatching(/^app-[A-Z0-9]+\.js$/),
      'index.html',
      expect.stringMatching(/^styles-[A-Z0-9]+\.css$/),
    ]);
    const markers = (entry.Properties.SourceMarkers as Record<string, unknown>[])[1]!;
    const text = readFileSync(path.join(assetDir(keys[1]!), 'config.json'), 'utf8');
    const resolved = text.replace(/<<marker:0xbaba:\d+>>/g, (marker) => render(markers[marker]));
    expect(JSON.parse(resolved)).toEqual({
      loginUrl: loginOrigin,
      clientId: `\${${logicalId(staff.consoleClient!)}}`,
      scopes: staffConsoleScopes,
      branding: { organizationName: 'Portico', accentColor: '#0b5cad' },
    });
  });

  it('outputs StaffWebUrl, the staff login and the console client', () => {
    expect(render(outputs.StaffWebUrl!.Value)).toBe(`https://\${${logicalId(web.distribution)}.DomainName}/`);
    expect(render(outputs.StaffLoginUrl!.Value)).toBe(loginOrigin);
    expect(outputs.StaffConsoleClientId!.Value).toEqual({ Ref: logicalId(staff.consoleClient!) });
  });
});
