import * as v from 'valibot';
import { onFirstUse } from '../../shared/modules/on-first-use';
import { personContactFields } from '../../shared/modules/registry';
import { editableProfileFields } from '../../shared/portal/portal-profile';
import { type Schema } from '../../shared/modules/validate';

/**
 * Request schemas are built on a route's first use, not at a cold start (issue 18): loading the modules that declare
 * them builds no valibot object, and asking twice builds once. Counted as in module-registry.test.ts: every request
 * schema is a valibot object at its root.
 */
const declaringModules = [
  '../../shared/tickets/portal-tickets',
  '../../shared/tickets/ticket-comments',
  '../../shared/portal/portal-profile',
  '../../shared/portal/quote-decision',
  '../../shared/portal/portal-requests',
  '../../shared/records/list-query',
  '../../shared/files/file-rules',
] as const;

type Schemas = Record<string, unknown>;

function freshModules() {
  const built = jest.fn();
  const loaded: Schemas[] = [];
  jest.isolateModules(() => {
    jest.doMock('valibot', () => {
      const actual = jest.requireActual<typeof import('valibot')>('valibot');
      const counted =
        <F extends (...args: never[]) => unknown>(build: F) =>
        (...args: Parameters<F>) => (built(), build(...args));
      return { ...actual, strictObject: counted(actual.strictObject), object: counted(actual.object) };
    });
    for (const path of declaringModules) loaded.push(jest.requireActual<Schemas>(path));
  });
  jest.dontMock('valibot');
  const [tickets, comments, profile, quotes, requests, listQuery, files] = loaded as [
    Schemas,
    Schemas,
    Schemas,
    Schemas,
    Schemas,
    Schemas,
    Schemas,
  ];
  return { built, tickets, comments, profile, quotes, requests, listQuery, files };
}

describe('onFirstUse', () => {
  it('builds nothing until asked, then once, and hands back the same value', () => {
    const build = jest.fn(() => ({ built: true }));
    const value = onFirstUse(build);
    expect(build).not.toHaveBeenCalled();
    const first = value();
    expect(value()).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('keeps a value that is undefined too, without building it again', () => {
    const build = jest.fn(() => undefined);
    const value = onFirstUse(build);
    value();
    value();
    expect(build).toHaveBeenCalledTimes(1);
  });
});

describe('request schemas', () => {
  it('are not built when their modules load, and each is built once on its first use', () => {
    const modules = freshModules();
    expect(modules.built).not.toHaveBeenCalled();
    const schemas = [
      modules.tickets.portalTicketInput,
      modules.comments.portalCommentInput,
      modules.comments.staffCommentInput,
      modules.profile.profilePatchInput,
      modules.quotes.quoteDecisionInput,
      modules.requests.signingRequest,
      modules.requests.pinChangeRequest,
      modules.listQuery.pageQuery,
      modules.files.uploadRequest,
    ] as (() => Schema)[];
    for (const schema of schemas) {
      const before = modules.built.mock.calls.length;
      const first = schema();
      expect(modules.built.mock.calls.length).toBeGreaterThan(before);
      const after = modules.built.mock.calls.length;
      expect(schema()).toBe(first);
      expect(modules.built).toHaveBeenCalledTimes(after);
    }
    // The portal's page query is the one every list without filters takes, not a second declaration.
    expect(modules.requests.portalPageQuery).toBe(modules.listQuery.pageQuery);
    // Built lazily, they still validate: a ticket needs its title, a PIN its digits.
    expect(v.safeParse(schemas[0]!(), { description: 'x' }).success).toBe(false);
    expect(v.safeParse(schemas[5]!(), { pin: '1234' }).success).toBe(true);
    expect(v.safeParse(schemas[5]!(), { pin: '12a4' }).success).toBe(false);
  });

  it('profile edits take exactly the contact fields every person module declares', () => {
    expect([...editableProfileFields].sort()).toEqual(Object.keys(personContactFields()).sort());
  });
});
