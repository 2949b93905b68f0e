import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { functions } from '../../shared/declarations/functions';
import { cloudOutputNames, outputNames } from '../../infra/outputs';
import { portalWebApiPaths, portalWebScopes, portalWebSecurityHeaders } from '../../infra/portal-web';
import { parseDeploymentConfig } from '../../infra/cdk/config';
import { portalWebEntryFiles } from '../../infra/cdk/portal-web';
import { apiReferenceContentSecurityPolicy, apiReferenceFiles } from '../../infra/api-reference';
import { PorticoStack } from '../../infra/cdk/portico-stack';
import type { Statement } from './iam-statement';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  DependsOn?: string[];
};

/** The stack as `cdk synth` builds it (bundling skipped), with the cloud assembly it was written to. */
function synth(context: Record<string, unknown>) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PorticoStack(app, 'Portico', { config: parseDeploymentConfig((key) => context[key]) });
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const logicalId = (construct: IConstruct): string =>
    stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  return { stack, template, resources, logicalId, ofType, assemblyDir: assembly.directory };
}

/** An intrinsic as text: `{"Fn::Join":["",["a",{"Ref":"X"}]]}` → `a${X}`, `{"Fn::GetAtt":["X","Y"]}` → `${X.Y}`. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return `\${${object.Ref}}`;
  const getAtt = object['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt) return `\${${getAtt[0]}.${getAtt[1]}}`;
  const join = object['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  if (typeof object['Fn::Sub'] === 'string') return object['Fn::Sub'];
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

/** Resource ids each resource names (Ref, GetAtt, DependsOn). */
function dependencies(resources: Record<string, Resource>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const names = new Set<string>(resource.DependsOn ?? []);
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (typeof value !== 'object' || value === null) return;
      const object = value as Record<string, unknown>;
      if (typeof object.Ref === 'string' && object.Ref in resources) names.add(object.Ref);
      const getAtt = object['Fn::GetAtt'] as [string, string] | undefined;
      if (getAtt && getAtt[0] in resources) names.add(getAtt[0]);
      Object.values(object).forEach(walk);
    };
    walk(resource.Properties);
    graph.set(id, names);
  }
  return graph;
}

/** One dependency cycle of the template, or undefined (CloudFormation refuses a template with one). */
function findCycle(resources: Record<string, Resource>): string[] | undefined {
  const graph = dependencies(resources);
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    trail.push(id);
    for (const next of graph.get(id) ?? []) {
      if (state.get(next) === 'visiting') return [...trail.slice(trail.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    trail.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.keys()) {
    if (state.has(id)) continue;
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

const explicitUrls = {
  portalCallbackUrls: ['https://portal.example.com/callback'],
  portalLogoutUrls: ['https://portal.example.com/'],
  portalSignInUrl: 'https://portal.example.com/welcome',
};

const portalDomain = {
  portalDomain: 'portal.example.com',
  portalCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
};

type DistributionConfig = {
  Aliases?: string[];
  ViewerCertificate?: Record<string, unknown>;
  DefaultRootObject: string;
  HttpVersion: string;
  CustomErrorResponses?: unknown;
  DefaultCacheBehavior: Record<string, unknown>;
  CacheBehaviors: Record<string, unknown>[];
  Origins: Record<string, unknown>[];
  Logging: { Bucket: unknown };
};

function distributionConfigOf(synthesized: ReturnType<typeof synth>): DistributionConfig {
  const { resources, logicalId, stack } = synthesized;
  return resources[logicalId(stack.portalWeb.distribution)]!.Properties.DistributionConfig as DistributionConfig;
}

describe('portal web app', () => {
  const bare = synth({});
  const { stack, resources, logicalId, ofType } = bare;
  const web = stack.portalWeb;
  const distribution = distributionConfigOf(bare);
  const originOf = (behavior: Record<string, unknown>) =>
    distribution.Origins.find((origin) => origin.Id === behavior.TargetOriginId)!;
  const distributionUrl = `https://\${${logicalId(web.distribution)}.DomainName}/`;
  const loginOrigin = `https://\${${logicalId(stack.identity.pools.portal.loginDomain!)}}.auth.\${AWS::Region}.amazoncognito.com`;
  const filesBucket = render(resources[logicalId(stack.files.bucket)]!.Properties.BucketName);
  const filesOrigin = `https://${filesBucket}.s3.\${AWS::Region}.\${AWS::URLSuffix}`;
  const origins = { login: loginOrigin, files: filesOrigin };

  it('keeps the app in a private, encrypted, TLS-only bucket', () => {
    const bucket = resources[logicalId(web.bucket)]!;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
  });

  it('versions the bucket and expires replaced versions after 30 days', () => {
    const bucket = resources[logicalId(web.bucket)]!;
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LifecycleConfiguration).toEqual({
      Rules: [{ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }],
    });
  });

  it('lets only this distribution read the bucket (Origin Access Control), and nobody over plain http', () => {
    const [policy] = ofType('AWS::S3::BucketPolicy').filter(([, resource]) =>
      isRef(resource.Properties.Bucket, logicalId(web.bucket)),
    );
    const statements = (policy![1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: expect.anything(),
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      },
    ]);
    expect(render(allows[0]!.Resource)).toBe(`\${${logicalId(web.bucket)}.Arn}/*`);
    expect(render(allows[0]!.Condition!.StringEquals!['AWS:SourceArn'])).toBe(
      `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${logicalId(web.distribution)}}`,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );

    const s3Origin = originOf(distribution.DefaultCacheBehavior);
    expect(render(s3Origin.DomainName)).toBe(`\${${logicalId(web.bucket)}.RegionalDomainName}`);
    // OAC, not the legacy origin access identity.
    expect(s3Origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    const oacId = (s3Origin.OriginAccessControlId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources[oacId]!.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
  });

  it('redirects viewers to HTTPS, serves index.html at the root over HTTP/2 and 3, rewrites no errors', () => {
    expect(distribution.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: cloudfront.CachePolicy.CACHING_OPTIMIZED.cachePolicyId,
    });
    expect(distribution.DefaultRootObject).toBe('index.html');
    expect(distribution.HttpVersion).toBe('http2and3');
    // Hash routing needs none, and one would also replace the API's own error answers.
    expect(distribution.CustomErrorResponses).toBeUndefined();
    // API calls over plain http are refused, never redirected.
    for (const behavior of distribution.CacheBehaviors) expect(behavior.ViewerProtocolPolicy).toBe('https-only');
  });

  it('logs every viewer request to a private bucket that expires them', () => {
    expect(render(distribution.Logging.Bucket)).toBe(`\${${logicalId(web.logBucket)}.RegionalDomainName}`);
    expect(resources[logicalId(web.logBucket)]!.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] },
    });
  });

  describe('security headers', () => {
    const policies = ofType('AWS::CloudFront::ResponseHeadersPolicy') as [string, Resource][];
    const isReferencePolicy = ([id]: [string, Resource]) => id.includes('ApiReferenceHeaders');
    const [policyId, policy] = policies.find((entry) => !isReferencePolicy(entry))!;
    const [referencePolicyId, referencePolicy] = policies.find(isReferencePolicy)!;
    const config = policy.Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      CustomHeadersConfig: { Items: { Header: string; Value: string; Override: boolean }[] };
    };
    const headers = config.SecurityHeadersConfig;

    it("has the app's Content-Security-Policy, allowing calls to its own origin, the hosted login and the files bucket only", () => {
      const csp = render(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
      expect(csp).toBe(portalWebSecurityHeaders(origins).contentSecurityPolicy);
      expect(csp).toContain(`connect-src 'self' ${loginOrigin} ${filesOrigin};`);
      // The bucket presigned uploads go to, named without a reference to it (a Ref would close a dependency cycle).
      expect(filesBucket).toMatch(/^portico-files-[0-9a-f]{8}-\$\{AWS::AccountId\}-\$\{AWS::Region\}$/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(headers.ContentSecurityPolicy!.Override).toBe(true);
    });

    it('sends HSTS for two years, nosniff, DENY framing and no referrer, over what an origin sends', () => {
      expect(headers).toMatchObject({
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      });
      const expected = portalWebSecurityHeaders(origins);
      expect(config.CustomHeadersConfig.Items).toEqual([
        { Header: 'Permissions-Policy', Value: expected.permissionsPolicy, Override: true },
        { Header: 'Cross-Origin-Opener-Policy', Value: expected.crossOriginOpenerPolicy, Override: true },
      ]);
    });

    it('applies to every behaviour, the API paths included, but the API reference page', () => {
      const behaviors = [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors];
      expect(behaviors).toHaveLength(1 + portalWebApiPaths.length + apiReferenceFiles.length);
      for (const behavior of behaviors) {
        const reference = apiReferenceFiles.some((file) => behavior.PathPattern === `/${file}`);
        expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: reference ? referencePolicyId : policyId });
      }
    });

    it("gives the API reference page its own Content-Security-Policy, otherwise the app's headers", () => {
      const config = referencePolicy.Properties.ResponseHeadersPolicyConfig as {
        SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      };
      const { ContentSecurityPolicy, ...others } = config.SecurityHeadersConfig;
      expect(ContentSecurityPolicy).toEqual({
        ContentSecurityPolicy: apiReferenceContentSecurityPolicy,
        Override: true,
      });
      expect(apiReferenceContentSecurityPolicy).toContain("script-src 'self';");
      expect(apiReferenceContentSecurityPolicy).toContain("frame-ancestors 'none'");
      const { ContentSecurityPolicy: _app, ...appOthers } = headers;
      expect(others).toEqual(appOthers);
      for (const file of apiReferenceFiles) {
        const behavior = distribution.CacheBehaviors.find((candidate) => candidate.PathPattern === `/${file}`)!;
        expect(behavior.TargetOriginId).toBe(distribution.DefaultCacheBehavior.TargetOriginId);
        expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
      }
    });
  });

  it.each(portalWebApiPaths)('forwards %s to the HTTP API, uncached, with every viewer header but Host', (path) => {
    const behavior = distribution.CacheBehaviors.find((candidate) => candidate.PathPattern === path)!;
    expect(behavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    });
    const origin = originOf(behavior);
    expect(render(origin.DomainName)).toBe(
      `\${${logicalId(stack.api.httpApi)}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}`,
    );
    expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(distribution.CacheBehaviors.map((candidate) => candidate.PathPattern)).toEqual([
      ...portalWebApiPaths,
      ...apiReferenceFiles.map((file) => `/${file}`),
    ]);
  });

  describe('content', () => {
    // The staff console deploys into its own bucket (tests/infra/staff-console.test.ts).
    const deployments = ofType('Custom::CDKBucketDeployment').filter(([, resource]) =>
      isRef(resource.Properties.DestinationBucketName, logicalId(web.bucket)),
    );
    const idOf = (name: 'assets' | 'entry') => logicalId(web.deployments[name].node.findChild('CustomResource'));
    const assets = resources[idOf('assets')]!;
    const entry = resources[idOf('entry')]!;
    /** A directory asset of the cloud assembly, by the object key the deployment names. */
    const assetDir = (objectKey: string) => path.join(bare.assemblyDir, `asset.${objectKey.replace(/\.zip$/, '')}`);
    const objectKeys = (resource: Resource) => resource.Properties.SourceObjectKeys as string[];

    it('deploys the build of web/ in two parts into the web bucket, and nothing else', () => {
      expect(deployments.map(([id]) => id).sort()).toEqual([idOf('assets'), idOf('entry')].sort());
      for (const [, deployment] of deployments) {
        expect(deployment.Properties.DestinationBucketName).toEqual({ Ref: logicalId(web.bucket) });
      }
      const files = readdirSync(assetDir(objectKeys(assets)[0]!)).sort();
      expect(files).toEqual([
        'api-reference.html',
        expect.stringMatching(/^app-[A-Z0-9]+\.js$/),
        'index.html',
        'redoc.standalone.js',
        expect.stringMatching(/^styles-[A-Z0-9]+\.css$/),
      ]);
      // The same build both times.
      expect(objectKeys(entry)[0]).toBe(objectKeys(assets)[0]);
    });

    it('lets browsers keep the hashed files a year, and never prunes them (an open page still finds its script)', () => {
      expect(assets.Properties).toMatchObject({
        Exclude: [...portalWebEntryFiles],
        SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
        Prune: false,
      });
      expect(assets.Properties.Include).toBeUndefined();
    });

    it('writes index.html, config.json and the API reference page after them, no-cache, and invalidates them', () => {
      expect(entry.Properties).toMatchObject({
        Exclude: ['*'],
        Include: [...portalWebEntryFiles],
        SystemMetadata: { 'cache-control': 'no-cache' },
        Prune: false,
        DistributionId: { Ref: logicalId(web.distribution) },
        DistributionPaths: ['/', '/index.html', '/config.json', ...apiReferenceFiles.map((file) => `/${file}`)],
      });
      expect(entry.DependsOn).toContain(idOf('assets'));
    });

    it('runs with a role that may put into the web bucket, read its own source zips and invalidate this distribution', () => {
      const [[, fn]] = ofType('AWS::Lambda::Function').filter(([id]) => id.startsWith('CustomCDKBucketDeployment')) as [
        [string, Resource],
      ];
      const roleId = logicalId(web.deploymentRole);
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      expect(resources[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
      const [[policyId, policy]] = ofType('AWS::IAM::Policy').filter(([, resource]) =>
        (resource.Properties.Roles as unknown[]).some((role) => isRef(role, roleId)),
      ) as [[string, Resource]];
      // The function is created (and invoked) only once its policy exists.
      expect(fn.DependsOn).toContain(policyId);
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      const granted = statements.map((statement) => ({
        actions: asList(statement.Action).sort(),
        resource: render(statement.Resource),
      }));
      const bucket = `\${${logicalId(web.bucket)}.Arn}`;
      const zips = [...new Set([...objectKeys(assets), ...objectKeys(entry)])];
      expect(granted).toEqual([
        {
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resource: expect.stringMatching(/^\$\{PortalWebDeploymentLogs\w+\.Arn\}$/),
        },
        { actions: ['s3:ListBucket'], resource: bucket },
        { actions: ['s3:AbortMultipartUpload', 's3:PutObject'], resource: `${bucket}/*` },
        {
          actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
          resource: `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${logicalId(web.distribution)}}`,
        },
        ...zips.map((key) => ({
          actions: ['s3:GetObject'],
          resource: `arn:\${AWS::Partition}:s3:::cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${key}`,
        })),
      ]);
    });

    it('writes config.json with the hosted login and the portal client', () => {
      const markers = (entry.Properties.SourceMarkers as Record<string, unknown>[])[1]!;
      const text = readFileSync(path.join(assetDir(objectKeys(entry)[1]!), 'config.json'), 'utf8');
      const resolved = text.replace(/<<marker:0xbaba:\d+>>/g, (marker) => render(markers[marker]));
      expect(JSON.parse(resolved)).toEqual({
        loginUrl: loginOrigin,
        clientId: `\${${logicalId(stack.identity.pools.portal.client)}}`,
        scopes: portalWebScopes,
        branding: { organizationName: 'Portico', accentColor: '#0b5cad' },
      });
    });
  });

  describe('addresses', () => {
    const configured = synth(explicitUrls);
    const ownDomain = synth(portalDomain);
    const ownDomainUrl = 'https://portal.example.com/';
    const outputsOf = (synthesized: ReturnType<typeof synth>) =>
      synthesized.template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;
    const clientOf = (synthesized: ReturnType<typeof synth>) =>
      synthesized.resources[synthesized.logicalId(synthesized.stack.identity.pools.portal.client)]!.Properties;
    const signInUrls = (synthesized: ReturnType<typeof synth>) =>
      functions
        .filter((fn) => fn.environment.includes('PORTAL_SIGN_IN_URL'))
        .map((fn) => {
          const resource =
            synthesized.resources[synthesized.logicalId(synthesized.stack.functions.byName.get(fn.name)!)];
          const variables = (resource!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
          return render(variables.PORTAL_SIGN_IN_URL);
        });

    it("outputs PortalWebUrl, the https root of the distribution, and no DNS target (it is CloudFront's own name)", () => {
      const outputs = outputsOf(bare);
      expect(render(outputs.PortalWebUrl!.Value)).toBe(distributionUrl);
      expect(outputs.PortalWebDistributionDomain).toBeUndefined();
    });

    it("serves the distribution under CloudFront's own name and default certificate", () => {
      expect(distribution.Aliases).toBeUndefined();
      expect(distribution.ViewerCertificate).toBeUndefined();
    });

    it('serves the app on its own domain with the given certificate, TLS 1.2 at least (SNI)', () => {
      const config = distributionConfigOf(ownDomain);
      expect(config.Aliases).toEqual([portalDomain.portalDomain]);
      expect(config.ViewerCertificate).toEqual({
        AcmCertificateArn: portalDomain.portalCertificateArn,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
    });

    it('outputs the own domain as PortalWebUrl, and the distribution name its DNS record points to', () => {
      const outputs = outputsOf(ownDomain);
      expect(outputs.PortalWebUrl!.Value).toBe(ownDomainUrl);
      const distributionId = ownDomain.logicalId(ownDomain.stack.portalWeb.distribution);
      expect(render(outputs.PortalWebDistributionDomain!.Value)).toBe(`\${${distributionId}.DomainName}`);
      expect(outputs.PortalWebDistributionDomain!.Description).toMatch(/^Point portal\.example\.com here: a CNAME/);
      expect(Object.keys(outputs).sort()).toEqual([...outputNames, ...cloudOutputNames].sort());
    });

    it('by default with its own domain, signs in and out there and links invitations to it', () => {
      const client = clientOf(ownDomain);
      expect(client.CallbackURLs).toEqual([ownDomainUrl]);
      expect(client.LogoutURLs).toEqual([ownDomainUrl]);
      expect(new Set(signInUrls(ownDomain))).toEqual(new Set([ownDomainUrl]));
    });

    it('uses the configured URLs over its own domain', () => {
      const both = synth({ ...portalDomain, ...explicitUrls });
      const client = clientOf(both);
      expect(client.CallbackURLs).toEqual(explicitUrls.portalCallbackUrls);
      expect(client.LogoutURLs).toEqual(explicitUrls.portalLogoutUrls);
      expect(new Set(signInUrls(both))).toEqual(new Set([explicitUrls.portalSignInUrl]));
      expect(outputsOf(both).PortalWebUrl!.Value).toBe(ownDomainUrl);
    });

    it('by default, signs in and out at the web app and links invitations to it', () => {
      const client = clientOf(bare);
      expect((client.CallbackURLs as unknown[]).map(render)).toEqual([distributionUrl]);
      expect((client.LogoutURLs as unknown[]).map(render)).toEqual([distributionUrl]);
      const urls = signInUrls(bare);
      expect(urls.length).toBeGreaterThan(0);
      expect(new Set(urls)).toEqual(new Set([distributionUrl]));
    });

    it('uses the configured URLs when they are given', () => {
      const client = clientOf(configured);
      expect(client.CallbackURLs).toEqual(explicitUrls.portalCallbackUrls);
      expect(client.LogoutURLs).toEqual(explicitUrls.portalLogoutUrls);
      expect(new Set(signInUrls(configured))).toEqual(new Set([explicitUrls.portalSignInUrl]));
    });

    it('finds a cycle when there is one (the check below is not vacuous)', () => {
      const resource = (properties: Record<string, unknown>, dependsOn?: string[]): Resource => ({
        Type: 'AWS::Test',
        Properties: properties,
        ...(dependsOn ? { DependsOn: dependsOn } : {}),
      });
      expect(
        findCycle({
          A: resource({ Name: { 'Fn::GetAtt': ['B', 'Arn'] } }),
          B: resource({}, ['C']),
          C: resource({ X: { Ref: 'A' } }),
        }),
      ).toEqual(['A', 'B', 'C', 'A']);
    });

    it.each([
      ['every default', bare],
      ['configured URLs', configured],
      ['its own domain', ownDomain],
    ])('leaves CloudFormation no dependency cycle (%s)', (_, synthesized) => {
      expect(findCycle(synthesized.resources)).toBeUndefined();
    });
  });
});

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function isRef(value: unknown, logicalId: string): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: string }).Ref === logicalId;
}
