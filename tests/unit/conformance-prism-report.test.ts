import {
  kindOf,
  operationMatcher,
  operationsOf,
  parseViolations,
  renderSummary,
  summarize,
  type Exchange,
} from '../../scripts/conformance/prism-report';

const document = {
  paths: {
    '/portal/{module}': { get: { operationId: 'listPortalRecords' } },
    '/portal/pin': { put: { operationId: 'setPortalPin' }, get: { operationId: 'getPortalPin' } },
    '/portal/{module}/{id}': { get: { operationId: 'getPortalRecord' }, parameters: [] },
  },
};

const header = (...violations: object[]) => JSON.stringify(violations);
const offSchema = {
  location: ['response', 'body'],
  severity: 'Error',
  code: 'required',
  message: "must have required property 'items'",
};
const badInput = {
  location: ['request', 'query', 'limit'],
  severity: 'Error',
  code: 'maximum',
  message: 'must be <= 100',
};

describe('the Prism conformance report', () => {
  it('lists every operation of the document, ignoring path-level members that are not methods', () => {
    expect(operationsOf(document).map((o) => o.operationId)).toEqual([
      'listPortalRecords',
      'getPortalPin',
      'setPortalPin',
      'getPortalRecord',
    ]);
  });

  it('matches a concrete path before a template, and the method too', () => {
    const match = operationMatcher(operationsOf(document));
    expect(match('GET', '/portal/pin')?.operationId).toBe('getPortalPin');
    expect(match('PUT', '/portal/pin')?.operationId).toBe('setPortalPin');
    expect(match('GET', '/portal/tickets')?.operationId).toBe('listPortalRecords');
    expect(match('GET', '/portal/tickets/tkt_1')?.operationId).toBe('getPortalRecord');
    expect(match('DELETE', '/portal/pin')).toBeUndefined();
    expect(match('GET', '/portal/tickets/tkt_1/comments')).toBeUndefined();
  });

  it("reads Prism's header, and keeps a truncated one as a violation rather than dropping it", () => {
    expect(parseViolations(undefined)).toEqual([]);
    expect(parseViolations(header(offSchema))).toEqual([offSchema]);
    const truncated = parseViolations(`Too many violations! ${header(offSchema).slice(0, 20)}`);
    expect(truncated).toHaveLength(1);
    expect(truncated[0]!.location[0]).toBe('response');
  });

  it("names a violation by Prism's code, else by what its message is about", () => {
    expect(kindOf(offSchema)).toBe('required');
    const status = { location: ['response'], severity: 'Warning', message: 'Unable to match the returned status code' };
    expect(kindOf(status)).toBe('undocumented-status');
  });

  it('counts response violations apart from request ones, and routes the document lacks apart from both', () => {
    const exchanges: Exchange[] = [
      { method: 'GET', path: '/portal/tickets', status: 200, violationsHeader: header(offSchema) },
      { method: 'GET', path: '/portal/tickets', status: 400, violationsHeader: header(badInput) },
      { method: 'PUT', path: '/portal/pin', status: 204 },
      {
        method: 'GET',
        path: '/no-such-route',
        status: 404,
        violationsHeader: header({ location: ['request'], severity: 'Warning', message: 'Selected route not found' }),
      },
    ];
    const summary = summarize(document, exchanges);
    expect(summary.requests).toBe(4);
    expect(summary.operationsTotal).toBe(4);
    expect(summary.operationsCovered).toEqual(['listPortalRecords', 'setPortalPin']);
    expect(summary.operationsMissed).toEqual(['getPortalPin', 'getPortalRecord']);
    expect(summary.undocumented).toEqual([{ method: 'GET', path: '/no-such-route', status: 404 }]);
    expect(summary.responseViolations).toEqual([
      expect.objectContaining({
        route: '/portal/{module}',
        operation: 'listPortalRecords',
        status: 200,
        kind: 'required',
      }),
    ]);
    expect(summary.requestViolations).toEqual([expect.objectContaining({ kind: 'maximum', status: 400 })]);
    const rendered = renderSummary(summary);
    expect(rendered).toContain('Operations covered: 2 of 4');
    expect(rendered).toContain('Response violations: 1');
    expect(rendered).toContain(
      "GET /portal/{module} → 200 (listPortalRecords): [Error] response.body must have required property 'items'",
    );
  });
});
