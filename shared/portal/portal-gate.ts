import { GetItemCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { Forbidden, NotFound } from '../http/errors';
import { defaultPortalComponents, findModule, type ModuleDeclaration } from '../modules/registry';
import { isRecordIdOf, portalViewerKey, portalViewerOf, recordKey } from '../data/keys';
import { createPersonLoader, type Person } from '../people/person-loader';
import { evaluateAccess, todayIn } from '../access/evaluate-access';
import { refusalMessage } from './portal-session';

/**
 * The checks every portal request starts with, shared by all the portal's services: the person's access is effective
 * now (so a revocation or the end of the support window takes effect on the next request), their portal includes the
 * section, and (`createRecordVisibility`) a record is theirs to see. Kept apart from the reads and PIN writes of
 * `./portal-service.ts` and `./portal-pin.ts`, so a function that needs only the checks (deals, colleagues) does not
 * bundle those.
 */

export interface PortalGateDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly timeZone: string;
  readonly now?: () => Date;
}

/** Where a portal request came from, as a signature or a quote decision records it. */
export interface RequestOrigin {
  readonly sourceIp: string;
  readonly userAgent: string;
}

export const fullName = (person: Person) => [person.firstName, person.lastName].filter(Boolean).join(' ');

export function createPortalGate(deps: PortalGateDependencies) {
  const { dynamo, tableName } = deps;
  const now = deps.now ?? (() => new Date());
  const people = createPersonLoader({ dynamo, tableName });

  /** The person, if their access is effective now; otherwise the same 403 whatever the reason. */
  async function session(personId: string) {
    const { person, organization } = await people.load(personId);
    // The date only for a person with a support window: most have none, and a zone's first date costs ICU's start-up.
    const verdict = evaluateAccess(person, organization, () => todayIn(deps.timeZone, now()));
    if (!verdict.effective || !person) throw new Forbidden(refusalMessage);
    return { person, organization };
  }

  const componentsOf = (person: Person): readonly string[] => person.portal?.components ?? defaultPortalComponents;

  function portalModule(person: Person, moduleName: string): ModuleDeclaration {
    const module = findModule(moduleName);
    if (!module?.portalVisible) throw new NotFound(`There is no portal section ${moduleName}.`);
    if (!componentsOf(person).includes(module.name))
      throw new Forbidden(`Your portal does not include ${module.name}.`);
    return module;
  }

  return { session, componentsOf, portalModule };
}

export type PortalGate = ReturnType<typeof createPortalGate>;

/**
 * A record this person may see, or a 404 that does not say whether it exists: for the portal's services that open one
 * record (./portal-service.ts adds it to the gate). Apart from the gate, so the functions that never open a single
 * record (deals, colleagues) do not bundle it.
 */
export function createRecordVisibility(deps: Pick<PortalGateDependencies, 'dynamo' | 'tableName'>) {
  const { dynamo, tableName } = deps;

  /** A record this person may see, or a 404 that does not say whether it exists. */
  async function visibleRecord(person: Person, module: ModuleDeclaration, id: string) {
    const notFound = new NotFound(`There is no ${module.label} ${id} in your portal.`);
    if (!isRecordIdOf(module, id)) throw notFound;
    const result = await dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(recordKey(id)), ConsistentRead: true }),
    );
    const item = result.Item ? unmarshall(result.Item) : undefined;
    if (!item || item.showOnPortal !== true || portalViewerOf(item) !== portalViewerKey(person)) throw notFound;
    return item;
  }

  return { visibleRecord };
}

/** The gate and the single-record check: what the portal's record services are given. */
export type PortalRecordGate = PortalGate & ReturnType<typeof createRecordVisibility>;
