import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { functions, routeTable } from '../../shared/declarations/functions';
import { compileRoutes, matchRoute } from '../../infra/local/api-gateway';
import { userPools, type PoolKind } from '../../shared/security/user-pools';
import { parseDeploymentConfig } from '../../infra/cdk/config';
import { PorticoStack } from '../../infra/cdk/portico-stack';
import { envReadsOf } from './env-reads';
import { render } from './synth-stack';

/**
 * What runs locally is what deploys: the routes the local API gateway serves are the routes the synthesized HTTP API
 * has (same method, path, authorizer and function), and each function is given exactly the environment its code
 * reads. Both sides are derived independently: the local one the way infra/local builds it, the cloud one from the
 * CloudFormation template alone.
 */

const repoRoot = path.resolve(__dirname, '..', '..');

type Resource = { Type: string; Properties: Record<string, unknown> };

/** Set by the Lambda runtime or by the stack for every function alike, not by a handler's declaration. */
const platformVariable = (name: string) =>
  name.startsWith('AWS_') || name.startsWith('POWERTOOLS_') || name === 'NODE_OPTIONS';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PorticoStack(app, 'Portico', {
  config: parseDeploymentConfig(
    (key) =>
      ({
        allowedOrigins: ['https://crm.example.com'],
        portalCallbackUrls: ['https://portal.example.com/callback'],
        portalLogoutUrls: ['https://portal.example.com/'],
        senderEmail: 'portal@example.com',
      })[key],
  ),
});
const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const logicalId = (construct: IConstruct) =>
  stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;

interface ServedRoute {
  readonly method: string;
  readonly path: string;
  readonly auth: string;
  readonly functionName: string;
}

const asKey = (route: ServedRoute) => `${route.method} ${route.path} auth=${route.auth} → ${route.functionName}`;

/** The routes `infra/local/api-gateway.ts` serves: the compiled route table, as local-stack.ts passes it. */
const compiled = compileRoutes(routeTable(functions));
const localRoutes: ServedRoute[] = compiled.map(({ binding }) => ({
  method: binding.method,
  path: binding.path,
  auth: binding.auth,
  functionName: binding.functionName,
}));

/** The routes of the template: route key, and the authorizer and function found through the references. */
function templateRoutes(): ServedRoute[] {
  // A JWT authorizer is the staff or portal one by whom it trusts: that pool as issuer, that pool's client as audience.
  const authorizerKinds = new Map<string, PoolKind>();
  for (const [id, authorizer] of ofType('AWS::ApiGatewayV2::Authorizer')) {
    const jwt = authorizer.Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    const issuer = render(jwt.Issuer);
    const audience = jwt.Audience.map(render);
    const kinds = (Object.keys(userPools) as PoolKind[]).filter((kind) => {
      const { pool, client, consoleClient } = stack.identity.pools[kind];
      // The pool's API client, and its browser app's client where it has one (the staff console).
      const clients = [client, ...(consoleClient ? [consoleClient] : [])].map((each) => `\${${logicalId(each)}}`);
      return (
        issuer === `https://cognito-idp.\${AWS::Region}.\${AWS::URLSuffix}/\${${logicalId(pool)}}` &&
        audience.join() === clients.join()
      );
    });
    if (kinds.length !== 1) throw new Error(`Authorizer ${id} trusts ${issuer} / ${audience.join(', ')}: no one pool`);
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    authorizerKinds.set(id, kinds[0]!);
  }
  const functionNames = new Map([...stack.functions.byName].map(([name, fn]) => [logicalId(fn), name]));

  return ofType('AWS::ApiGatewayV2::Route').map(([id, route]) => {
    const [method, routePath] = (route.Properties.RouteKey as string).split(' ') as [string, string];
    let auth: string;
    if (route.Properties.AuthorizationType === 'NONE') {
      if (route.Properties.AuthorizerId !== undefined) throw new Error(`${id} is public but names an authorizer`);
      auth = 'none';
    } else {
      expect(route.Properties.AuthorizationType).toBe('JWT');
      const authorizerId = (route.Properties.AuthorizerId as { Ref: string }).Ref;
      auth = authorizerKinds.get(authorizerId) ?? `unknown authorizer ${authorizerId}`;
    }
    const integrationId = /^integrations\/\$\{(.+)\}$/.exec(render(route.Properties.Target))![1]!;
    const integration = resources[integrationId]!.Properties;
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    const [functionId] = (integration.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    return {
      method,
      path: routePath,
      auth,
      functionName: functionNames.get(functionId) ?? `unknown function ${functionId}`,
    };
  });
}

/** A request path for a route: each parameter filled with a sample value, a greedy one with two segments. */
const samplePath = (routePath: string) =>
  routePath.replace(/\{\w+\+\}/g, 'sample/rest').replace(/\{(\w+)\}/g, (_, name: string) => `sample-${name}`);

describe('parity of the local runtime and the cloud stack', () => {
  describe('routes', () => {
    let cloud: ServedRoute[] = [];
    beforeAll(() => {
      cloud = templateRoutes();
    });

    it('serves routes of every authorizer kind the registry uses (the comparison is not vacuous)', () => {
      expect(localRoutes.length).toBeGreaterThan(0);
      expect(new Set(localRoutes.map((route) => route.auth))).toEqual(new Set(routeTable().map((route) => route.auth)));
    });

    it('has the same (method, path, authorizer, function) set locally and in the template', () => {
      const localKeys = localRoutes.map(asKey).sort();
      const cloudKeys = cloud.map(asKey).sort();
      expect({ onlyLocal: localKeys.filter((key) => !cloudKeys.includes(key)) }).toEqual({ onlyLocal: [] });
      expect({ onlyCloud: cloudKeys.filter((key) => !localKeys.includes(key)) }).toEqual({ onlyCloud: [] });
      expect(cloudKeys).toEqual(localKeys);
    });

    it('routes a request for each template route to that route locally (no local route shadows it)', () => {
      const misrouted = cloud
        .map((route) => {
          const matched = matchRoute(compiled, route.method, samplePath(route.path));
          return { route: `${route.method} ${route.path}`, served: matched ? matched.binding.routeKey : 'nothing' };
        })
        .filter(({ route, served }) => route !== served);
      expect(misrouted).toEqual([]);
    });
  });

  describe('function environment', () => {
    const variablesOf = (name: string) => {
      const id = logicalId(stack.functions.byName.get(name)!);
      const environment = resources[id]!.Properties.Environment as { Variables: Record<string, unknown> } | undefined;
      return Object.keys(environment?.Variables ?? {});
    };

    it.each(functions.map((fn) => [fn.name, fn] as const))(
      '%s: the template sets exactly the declared variables',
      (name, fn) => {
        expect(
          variablesOf(name)
            .filter((variable) => !platformVariable(variable))
            .sort(),
        ).toEqual([...fn.environment].sort());
      },
    );

    it.each(functions.map((fn) => [fn.name, fn] as const))(
      '%s: its code reads exactly the declared variables',
      (name, fn) => {
        const { reads, modules } = envReadsOf(fn.entry, repoRoot);
        expect(modules).toContain(fn.entry);
        const read = [...reads.keys()].filter((variable) => !platformVariable(variable)).sort();
        const declared: string[] = [...fn.environment].sort();
        expect({
          readButNotDeclared: read
            .filter((variable) => !declared.includes(variable))
            .map((variable) => `${variable} (${reads.get(variable)!.join(', ')})`),
          declaredButNeverRead: declared.filter((variable) => !read.includes(variable)),
        }).toEqual({ readButNotDeclared: [], declaredButNeverRead: [] });
      },
    );
  });
});

describe('envReadsOf', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'portico-env-reads-'));
    const files: Record<string, string> = {
      'entry.ts': [
        "import * as v from 'valibot';",
        "import { readConfig } from './read-config';",
        "import { sharedSchema } from './schema';",
        "import type { Unused } from './types-only';",
        "import './side-effect';",
        'const local = v.object({ LOCAL_SCHEMA: v.string() });',
        'export const a = readConfig(local);',
        'export const b = readConfig(sharedSchema);',
        "export const c = readConfig(v.object({ INLINE: v.string(), 'QUOTED': v.string() }));",
        'export const d = process.env.DIRECT;',
        "export const e = process.env['BRACKETED'];",
        'export const { DESTRUCTURED, other: RENAMED_SOURCE } = process.env as Record<string, string>;',
      ].join('\n'),
      'read-config.ts': 'export function readConfig(schema: unknown, env = process.env) { return env; }',
      'schema.ts': "import * as v from 'valibot';\nexport const sharedSchema = v.object({ FROM_IMPORT: v.string() });",
      'types-only.ts': 'export type Unused = string;\nexport const never = process.env.TYPE_ONLY_MODULE;',
      'side-effect.ts': 'process.env.SIDE_EFFECT ??= "x";',
      'opaque.ts': "import { readConfig } from './read-config';\nconst s = makeSchema();\nreadConfig(s);",
    };
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds process.env reads and readConfig schema keys through value imports only', () => {
    const { reads, modules } = envReadsOf('entry.ts', dir);
    expect([...reads.keys()].sort()).toEqual(
      [
        'BRACKETED',
        'DESTRUCTURED',
        'DIRECT',
        'FROM_IMPORT',
        'INLINE',
        'LOCAL_SCHEMA',
        'QUOTED',
        'SIDE_EFFECT',
        'other',
      ].sort(),
    );
    expect(reads.get('FROM_IMPORT')).toEqual(['entry.ts']);
    expect(modules).toEqual(['entry.ts', 'read-config.ts', 'schema.ts', 'side-effect.ts']);
  });

  it('refuses a readConfig schema it cannot read', () => {
    expect(() => envReadsOf('opaque.ts', dir)).toThrow(/opaque\.ts:3: readConfig's schema/);
  });
});
