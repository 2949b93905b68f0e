import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeTable, type RouteAuth } from '../../shared/declarations/functions';
import { userPools, type PoolKind } from '../../shared/security/user-pools';
import type { ApiThrottle } from './config';

export interface AuthorizerPool {
  readonly pool: cognito.IUserPool;
  readonly client: cognito.IUserPoolClient;
  /** A second client whose tokens the pool's routes accept too (the staff console's). */
  readonly consoleClient?: cognito.IUserPoolClient | undefined;
}

export interface PorticoApiProps {
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly pools: Record<PoolKind, AuthorizerPool>;
  readonly allowedOrigins: readonly string[];
  readonly throttle: ApiThrottle;
}

/**
 * One JSON object per request. requestId ties a log line to the Lambda's logs; integrationError and
 * authorizerError say why a request failed before or around the handler, which the handler cannot log.
 */
export const accessLogFields = {
  requestId: '$context.requestId',
  routeKey: '$context.routeKey',
  status: '$context.status',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
} as const;

/** The HTTP API: every route of the function registry, guarded by the authorizer its `auth` names. */
export class PorticoApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** Route key (`GET /health`) → its route. */
  readonly routes: ReadonlyMap<string, apigw.HttpRoute>;

  constructor(scope: Construct, id: string, props: PorticoApiProps) {
    super(scope, id);
    const routes = routeTable();

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: Stack.of(this).stackName,
      description: 'Portico CRM portal API',
      // Created below instead: the generated default stage cannot carry throttling or access logs.
      createDefaultStage: false,
      corsPreflight: props.allowedOrigins.length > 0 ? corsFor(props.allowedOrigins, routes) : undefined,
    });

    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Applies to every route; a runaway client is answered 429 by API Gateway before reaching Lambda.
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(
          new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH }),
        ),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });

    const authorizers = this.createAuthorizers(props.pools);
    const integrations = new Map<string, HttpLambdaIntegration>();
    const httpRoutes = new Map<string, apigw.HttpRoute>();
    for (const route of routes) {
      const handler = props.functions.get(route.functionName);
      if (!handler)
        throw new Error(`Route ${route.routeKey} names function ${route.functionName}, which has no Lambda`);
      let integration = integrations.get(route.functionName);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.functionName}-integration`, handler);
        integrations.set(route.functionName, integration);
      }
      httpRoutes.set(
        route.routeKey,
        new apigw.HttpRoute(this, route.routeKey, {
          httpApi: this.httpApi,
          routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
          integration,
          authorizer: authorizers[route.auth],
        }),
      );
    }
    this.routes = httpRoutes;
  }

  /**
   * One JWT authorizer per user pool, created whether or not a route uses it yet. (`HttpJwtAuthorizer`
   * only materialises on its first route, so the portal authorizer would be missing until the first
   * portal route exists.) API Gateway checks signature, expiry, issuer, and `aud` (ID tokens) or
   * `client_id` (access tokens) against the pool's own app client: a token from the other pool is refused.
   */
  private createAuthorizers(pools: Record<PoolKind, AuthorizerPool>): Record<RouteAuth, apigw.IHttpRouteAuthorizer> {
    const stack = Stack.of(this);
    const kinds = Object.keys(userPools) as PoolKind[];
    const jwt = Object.fromEntries(
      kinds.map((kind) => {
        const { pool, client, consoleClient } = pools[kind];
        const authorizer = new apigw.HttpAuthorizer(this, `${kind}-authorizer`, {
          httpApi: this.httpApi,
          authorizerName: kind,
          type: apigw.HttpAuthorizerType.JWT,
          identitySource: ['$request.header.Authorization'],
          jwtIssuer: `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${pool.userPoolId}`,
          jwtAudience: [client.userPoolClientId, ...(consoleClient ? [consoleClient.userPoolClientId] : [])],
        });
        const routeAuthorizer = apigw.HttpAuthorizer.fromHttpAuthorizerAttributes(this, `${kind}-route-authorizer`, {
          authorizerId: authorizer.authorizerId,
          authorizerType: apigw.HttpAuthorizerType.JWT,
        });
        return [kind, routeAuthorizer];
      }),
    ) as Record<PoolKind, apigw.IHttpRouteAuthorizer>;
    // Explicit NONE rather than no authorizer, so a default authorizer added later cannot silently apply.
    return { ...jwt, none: new apigw.HttpNoneAuthorizer() };
  }
}

/** Preflight answered by API Gateway itself; methods are exactly those the routes use. */
function corsFor(origins: readonly string[], routes: ReturnType<typeof routeTable>): apigw.CorsPreflightOptions {
  const methods = [...new Set(routes.map((route) => route.method))].sort();
  return {
    allowOrigins: [...origins],
    allowMethods: methods.map((method) => apigw.CorsHttpMethod[method]),
    // If-Match carries the ETag for optimistic concurrency; the browser must also be allowed to read it back.
    allowHeaders: ['authorization', 'content-type', 'if-match'],
    exposeHeaders: ['etag', 'location', 'x-correlation-id', 'retry-after'],
    // Bearer tokens in a header, never cookies: no credentialed CORS needed.
    allowCredentials: false,
    maxAge: Duration.hours(1),
  };
}
