import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling';
import { baselineFor, baselineSource, sdkClientsOf, type BundleReport } from '../../bench/bundles';
import { coldSubjects } from '../../bench/bench-stack';
import { budgetSummary, type Row } from '../../bench/report';
import { functions } from '../../shared/declarations/functions';

/**
 * The bench's per-function baselines: the SDK clients a function bundles are read from its esbuild metafile, and
 * the bare baseline built from them holds exactly those clients, so a budget measures Portico's own overhead.
 */
const repoRoot = join(__dirname, '..', '..');

async function clientsBundledBy(source: string): Promise<string[]> {
  const result = await build({
    ...esbuildOptions(),
    stdin: { contents: source, loader: 'ts', resolveDir: join(repoRoot, 'bench', 'baselines') },
    write: false,
    outfile: 'baseline.js',
    metafile: true,
  });
  const packages = Object.keys(result.metafile.inputs).map((input) => {
    const parts = input.slice(input.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
    return `${parts[0]}/${parts[1]}`;
  });
  return sdkClientsOf(packages);
}

describe('the bench baselines', () => {
  it('take every service client and the S3 presigner from a bundle, never helpers, and DynamoDB always', () => {
    expect(
      sdkClientsOf([
        '(portico)',
        '@aws-sdk/util-dynamodb',
        '@aws-sdk/client-s3',
        '@aws-sdk/s3-request-presigner',
        '@aws-sdk/core',
        'valibot',
      ]),
    ).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner']);
    expect(sdkClientsOf(['@aws-sdk/client-secrets-manager', '@aws-sdk/client-dynamodb'])).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-secrets-manager',
    ]);
    expect(baselineFor(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3'])).toBe('client-dynamodb+client-s3');
  });

  it.each([
    [['@aws-sdk/client-dynamodb']],
    [['@aws-sdk/client-dynamodb', '@aws-sdk/client-secrets-manager']],
    [['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner']],
    [['@aws-sdk/client-cognito-identity-provider', '@aws-sdk/client-dynamodb', '@aws-sdk/client-sesv2']],
  ])(
    'build a bare handler that bundles exactly %j',
    async (clients) => {
      expect(await clientsBundledBy(baselineSource(clients))).toEqual(clients);
    },
    60_000,
  );
});

describe('the bench subjects', () => {
  it('give every HTTP function of the registry a cold-start event, each beside its own baseline', () => {
    const file = (name: string) => ({ file: `${name}.js`, bytes: 1, gzipBytes: 1, packages: [] });
    const bundleOf = (name: string) => ({ name, ...file(name), sdkExternal: file(`${name}.external`) });
    const report: BundleReport = {
      functions: functions.map((fn) => ({
        ...bundleOf(fn.name),
        api: fn.routes.length > 0,
        clients: [],
        baseline: `baseline-of-${fn.name}`,
      })),
      baselines: Object.fromEntries(
        [...functions.map((fn) => `baseline-of-${fn.name}`), 'client-dynamodb'].map((name) => [name, bundleOf(name)]),
      ),
      dynamodbBaseline: 'client-dynamodb',
      probes: [],
      directReadsFile: 'direct.js',
    };
    const { subjects } = coldSubjects(report, {
      personId: 'contacts_x',
      ticketId: 'tickets_x',
      partnerId: 'partner-contacts_x',
      importId: 'import_x',
    });
    const http = functions.filter((fn) => fn.routes.length > 0);
    expect(http.map((fn) => fn.name)).toEqual(expect.arrayContaining(['portal-self-service', 'files-api']));
    for (const fn of http) {
      const subject = subjects.find((s) => s.name === fn.name);
      expect({ fn: fn.name, baseline: subject?.baseline.bundle }).toEqual({
        fn: fn.name,
        baseline: `baseline-of-${fn.name}.js`,
      });
      // The event is for one of the function's own routes.
      const routeKey = (subject?.event as { routeKey: string }).routeKey;
      expect(fn.routes.map((route) => `${route.method} ${route.path}`)).toContain(routeKey);
    }
  });
});

describe('the bench budget summary', () => {
  const row = (measure: string, subject: string, status: Row['status'], ratio = '1.00×'): Row => ({
    measure,
    subject,
    result: '',
    baseline: '',
    ratio,
    goal: measure === 'Bundle size' ? '≤ 1.15×' : '≤ 1.10×',
    status,
  });

  it('names each HTTP function over a budget as a MISS, with its ratio and goal', () => {
    const summary = budgetSummary([
      row('Bundle size', 'portal-api', 'pass'),
      row('Bundle size', 'crm-records', 'miss', '1.16×'),
      row('Cold init (median)', 'files-api', 'miss', '1.21× (paired 1.18×)'),
      row('Warm request (in-process)', 'GET /x (crm-records)', 'miss'),
    ]);
    expect(summary.split('\n')).toEqual([
      'Budgets: 2 MISSES:',
      '- MISS crm-records: bundle size 1.16×, goal ≤ 1.15×',
      '- MISS files-api: cold init (median) 1.21× (paired 1.18×), goal ≤ 1.10×',
    ]);
  });

  it('says so when every HTTP function is within both budgets', () => {
    expect(budgetSummary([row('Bundle size', 'health', 'pass'), row('Cold init (median)', 'health', 'pass')])).toBe(
      'Budgets: every HTTP function within cold init and bundle budgets.',
    );
  });
});
