import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  buildPortalWeb,
  portalWebApiPaths,
  portalWebScopes,
  portalWebSecurityHeaders,
  type PortalWebOrigins,
  type PortalWebConfig,
} from '../portal-web';
import { apiReferenceContentSecurityPolicy, apiReferenceFiles } from '../api-reference';
import { buildStaffConsole, staffConsoleApiPaths, staffConsoleApiPrefix, staffConsoleScopes } from '../staff-console';
import type { Branding } from '../../shared/branding/branding';
import type { PortalDomain } from './config';

/** Which browser app a distribution serves: the portal app (web/) or the staff console (console/). */
export type BrowserAppKind = 'portal' | 'console';

export interface PorticoPortalWebProps {
  /** The portal app unless given. */
  readonly app?: BrowserAppKind;
  /** The API the app's API paths (`portalWebApiPaths`, `staffConsoleApiPaths`) are forwarded to. */
  readonly httpApi: apigw.IHttpApi;
  /** Base URL of the portal hosted login (`https://<prefix>.auth.<region>.amazoncognito.com`): also its origin. */
  readonly loginUrl: string;
  /** The portal app client the web app signs in with. */
  readonly clientId: string;
  /** The app's own host name and certificate; undefined serves it at the distribution's `*.cloudfront.net` name. */
  readonly customDomain?: PortalDomain;
  /** Headers CloudFront adds to every API request: the origin secret that lets the API trust the viewer address. */
  readonly apiOriginHeaders?: Readonly<Record<string, string>>;
  /** The organization's name, logo and accent colour, served to the app in its config.json. */
  readonly branding: Branding;
  /** The files bucket's origin (`filesBucketOrigin`), where the app uploads with presigned URLs. */
  readonly filesOrigin: string;
}

/** How long a replaced version of a web app file is kept in the bucket. */
export const portalWebNoncurrentVersionDays = Duration.days(30);

/** Files the app must fetch fresh after every deploy: they name the hashed script and stylesheet, and the client. */
export const portalWebEntryFiles = ['index.html', 'config.json', ...apiReferenceFiles] as const;

/**
 * What differs between the two apps; everything else (private bucket with OAC, HTTPS, security headers, same-origin
 * API, deployment) is one code path.
 */
const appSettings = {
  portal: {
    description: 'portal web app',
    build: buildPortalWeb,
    apiPaths: portalWebApiPaths,
    stripApiPrefix: undefined,
    apiReference: true,
    entryFiles: portalWebEntryFiles,
    scopes: portalWebScopes,
  },
  console: {
    description: 'staff console',
    build: buildStaffConsole,
    apiPaths: staffConsoleApiPaths,
    // The API's routes are at its root: a CloudFront function removes the console's `/api` prefix on the way.
    stripApiPrefix: staffConsoleApiPrefix,
    apiReference: false,
    entryFiles: ['index.html', 'config.json'],
    scopes: staffConsoleScopes,
  },
} as const satisfies Record<BrowserAppKind, unknown>;

/**
 * The viewer-request function that removes `prefix` from the path (`/api/contacts` → `/contacts`). CloudFront
 * Functions (cloudfront-js-2.0) run at the edge before the origin request; the query string is not part of `uri`.
 */
export function stripPrefixFunctionCode(prefix: string): string {
  const escaped = prefix.replace(/[/.]/g, (c) => `\\${c}`);
  return `function handler(event) {
  var request = event.request;
  request.uri = request.uri.replace(/^${escaped}(?=\\/|$)/, '') || '/';
  return request;
}`;
}

/**
 * The portal web app (web/): built at synth, kept in a private bucket that only this distribution may read (Origin
 * Access Control), and served over HTTPS with the security headers of `portalWebSecurityHeaders`. The API paths go
 * to the HTTP API on the same origin, so the app needs no CORS and its policy allows `connect-src 'self'`.
 */
export class PorticoPortalWeb extends Construct {
  readonly bucket: s3.Bucket;
  /** CloudFront's access logs. */
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** The host name and certificate the distribution serves the app with, when not CloudFront's own. */
  readonly customDomain: PortalDomain | undefined;
  /**
   * `https://<custom domain>/`, else `https://<distribution domain>/`: the app root, its sign-in callback and its
   * sign-out URL.
   */
  readonly url: string;
  /** The role of the function (provided by CDK's BucketDeployment) that copies the files into the bucket. */
  readonly deploymentRole: iam.Role;
  readonly deployments: { readonly assets: s3deploy.BucketDeployment; readonly entry: s3deploy.BucketDeployment };
  private readonly appDescription: string;

  constructor(scope: Construct, id: string, props: PorticoPortalWebProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Each deploy overwrites index.html and config.json: versions let an operator bring back the previous app (or
      // undo a stray overwrite) for as long as the older versions are kept.
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: portalWebNoncurrentVersionDays }],
      // Retained like the table and the pools, though it holds only build output every deploy uploads again:
      // CloudFormation cannot delete a bucket that still has objects, and emptying it on deletion would take one
      // more CDK-provided function allowed to delete every object. Deleting the stack leaves it for an operator.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Every viewer request, API calls included: the API's own access log sees CloudFront's address, not the viewer's.
    // The sign-in callback's query (`?code=…&state=…`) is logged too; the code is single-use, expires in minutes and
    // is useless without the PKCE verifier the browser keeps.
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // CloudFront standard logging writes through the bucket ACL, so ACLs must stay enabled.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      // As long as the API's access logs are kept.
      lifecycleRules: [{ expiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const app = appSettings[props.app ?? 'portal'];
    this.appDescription = app.description;
    this.customDomain = props.customDomain;
    const securityHeaders = this.securityHeadersPolicy(this.origins(props));
    const bucketOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const stack = Stack.of(this);
    const apiOrigin = new origins.HttpOrigin(`${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: { ...props.apiOriginHeaders },
    });
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      // A plain-http API call is refused rather than redirected: a redirected POST or PUT would arrive as a GET.
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // Every viewer header but Host (API Gateway routes by its own host name). With caching disabled this includes
      // Authorization, and CloudFront adds CloudFront-Viewer-Address, the signer's address the portal API records
      // when the origin secret header (apiOriginHeaders) proves the request came this way.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
      ...(app.stripApiPrefix
        ? {
            functionAssociations: [
              {
                eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
                function: new cloudfront.Function(this, 'StripApiPrefix', {
                  runtime: cloudfront.FunctionRuntime.JS_2_0,
                  comment: `Removes ${app.stripApiPrefix} before the API sees the path`,
                  code: cloudfront.FunctionCode.fromInline(stripPrefixFunctionCode(app.stripApiPrefix)),
                }),
              },
            ],
          }
        : {}),
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${stack.stackName} ${app.description}`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: bucketOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      additionalBehaviors: {
        ...Object.fromEntries(app.apiPaths.map((path) => [path, apiBehavior])),
        // The API reference page (infra/api-reference.ts): the app's files, with the page's own policy.
        ...Object.fromEntries(
          (app.apiReference ? apiReferenceFiles : []).map((file) => [
            `/${file}`,
            {
              origin: bucketOrigin,
              // Like every behaviour beside the default one: the page's own address is the one to type.
              viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
              allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
              cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
              responseHeadersPolicy: this.securityHeadersPolicy(this.origins(props), 'ApiReferenceHeaders'),
              compress: true,
            },
          ]),
        ),
      },
      // No error responses: the app routes by the URL fragment, and a rewritten 403/404 would also hide API errors.
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...this.viewerCertificate(),
    });
    this.url = `https://${this.customDomain?.domainName ?? this.distribution.distributionDomainName}/`;

    // A role of its own for the deployment function, granted exactly what it does (below). BucketDeployment would
    // otherwise take a role with the AWS managed AWSLambdaBasicExecutionRole policy and CDK's broad grants
    // (s3:GetObject*, s3:List*, s3:DeleteObject* on both buckets, CloudFront invalidations on "*").
    this.deploymentRole = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Copies the ${app.description} into its bucket and invalidates the entry files`,
    });
    this.deployments = this.deployContent(props, app);
  }

  /**
   * The custom domain's name and certificate, with TLS 1.2 as the least a viewer may negotiate. CloudFront's default
   * `*.cloudfront.net` certificate (no custom domain) allows TLS 1.0 whatever the distribution asks, so nothing is
   * set then.
   */
  private viewerCertificate(): Partial<cloudfront.DistributionProps> {
    if (!this.customDomain) return {};
    return {
      domainNames: [this.customDomain.domainName],
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', this.customDomain.certificateArn),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    };
  }

  private origins(props: PorticoPortalWebProps): PortalWebOrigins {
    return { login: props.loginUrl, files: props.filesOrigin, logoUrl: props.branding.logoUrl };
  }

  /**
   * `portalWebSecurityHeaders` as a CloudFront policy, overriding whatever an origin sends; `ApiReferenceHeaders` is
   * the same with the API reference page's Content-Security-Policy. Made once per id (both reference files share it).
   */
  private securityHeadersPolicy(
    origins: PortalWebOrigins,
    id: 'SecurityHeaders' | 'ApiReferenceHeaders' = 'SecurityHeaders',
  ): cloudfront.ResponseHeadersPolicy {
    const existing = this.node.tryFindChild(id);
    if (existing) return existing as cloudfront.ResponseHeadersPolicy;
    const headers = portalWebSecurityHeaders(origins);
    const contentSecurityPolicy =
      id === 'ApiReferenceHeaders' ? apiReferenceContentSecurityPolicy : headers.contentSecurityPolicy;
    return new cloudfront.ResponseHeadersPolicy(this, id, {
      comment:
        id === 'ApiReferenceHeaders'
          ? 'Portico API reference page: its CSP, HSTS, no sniffing, no framing, no referrer'
          : `Portico ${this.appDescription}: CSP, HSTS, no sniffing, no framing, no referrer`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(headers.strictTransportSecurity.maxAgeSeconds),
          includeSubdomains: headers.strictTransportSecurity.includeSubdomains,
          override: true,
        },
        // CloudFront's only value for this header is the one the app declares: nosniff.
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: enumValue(cloudfront.HeadersFrameOption, headers.frameOptions), override: true },
        referrerPolicy: {
          referrerPolicy: enumValue(cloudfront.HeadersReferrerPolicy, headers.referrerPolicy),
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: headers.permissionsPolicy, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: headers.crossOriginOpenerPolicy, override: true },
        ],
      },
    });
  }

  /**
   * Two deployments of one build. Hashed files change name when they change, so browsers and CloudFront may keep
   * them a year; they are never pruned, so a page loaded before a deploy still finds its script. index.html and
   * config.json keep their names: `no-cache` (revalidate every time), invalidated on each deploy, and written only
   * after the hashed files they name exist.
   */
  private deployContent(props: PorticoPortalWebProps, app: (typeof appSettings)[BrowserAppKind]) {
    // Built into the cloud assembly (cdk.out), where each synth overwrites it; CDK stages it as an asset from there.
    const build = app.build(join(Stage.of(this)!.outdir, `${props.app ?? 'portal'}-web-${this.node.addr}`));
    const role = this.deploymentRole;
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', { retention: logs.RetentionDays.ONE_MONTH });
    logGroup.grantWrite(role);
    // What the function runs: `aws s3 cp` of each source zip, `aws s3 sync` into the bucket (never deleting: prune
    // is off and the objects stay when a deployment is removed), and one CloudFront invalidation it waits for.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [this.distribution.distributionArn],
      }),
    );
    /** A source whose one object (a zip in the CDK asset bucket) the role may read, and nothing else there. */
    const readable = (source: s3deploy.ISource): s3deploy.ISource => ({
      bind: (scope, context) => {
        const config = source.bind(scope, context);
        role.addToPolicy(
          new iam.PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [config.bucket.arnForObjects(config.zipObjectKey)],
          }),
        );
        return config;
      },
    });
    const common = {
      destinationBucket: this.bucket,
      // The grants BucketDeployment and its sources add themselves are dropped: the statements above replace them.
      role: role.withoutPolicyUpdates(),
      logGroup,
      prune: false,
    } satisfies Partial<s3deploy.BucketDeploymentProps>;

    const assets = new s3deploy.BucketDeployment(this, 'Assets', {
      ...common,
      sources: [readable(s3deploy.Source.asset(build.outDir))],
      exclude: [...app.entryFiles],
      cacheControl: [
        s3deploy.CacheControl.setPublic(),
        s3deploy.CacheControl.maxAge(Duration.days(365)),
        s3deploy.CacheControl.immutable(),
      ],
    });

    const config: PortalWebConfig = {
      loginUrl: props.loginUrl,
      clientId: props.clientId,
      scopes: app.scopes,
      branding: props.branding,
    };
    const entry = new s3deploy.BucketDeployment(this, 'Entry', {
      ...common,
      sources: [
        readable(s3deploy.Source.asset(build.outDir)),
        readable(s3deploy.Source.jsonData('config.json', config)),
      ],
      exclude: ['*'],
      include: [...app.entryFiles],
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      // `/` too: CloudFront caches the root under its own path, though it serves index.html there.
      distributionPaths: ['/', ...app.entryFiles.map((file) => `/${file}`)],
    });
    entry.node.addDependency(assets);
    return { assets, entry };
  }
}

/** The member of a CDK string enum whose value is `value`; a value CloudFront does not know fails synth. */
function enumValue<T extends string>(values: Record<string, T>, value: string): T {
  const member = Object.values(values).find((candidate) => candidate === value);
  if (member === undefined) throw new Error(`CloudFront has no header value "${value}"`);
  return member;
}
