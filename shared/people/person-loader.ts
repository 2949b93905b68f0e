import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readRecord, readRecordsById } from '../data/read-records';

/** A person record (contact, lead or partner contact) as the record service stores it: the one person type. */
export type Person = Record<string, unknown> & {
  readonly id: string;
  readonly module: string;
  readonly version?: number;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly organizationId?: string;
  readonly emailOptOut?: boolean;
  readonly portal?: {
    readonly enabled?: boolean;
    readonly username?: string;
    readonly supportStartDate?: string;
    readonly supportEndDate?: string;
    readonly canESign?: boolean;
    readonly pinReset?: boolean;
    readonly components?: string[];
    readonly notifications?: boolean;
    readonly pinHash?: string;
    readonly partnerAdmin?: boolean;
  };
};

/** A partner organization as access reads it. */
export type Organization = Record<string, unknown> & { readonly id: string; readonly partnerStatus?: unknown };

export interface PersonWithOrganization {
  readonly person?: Person;
  /** The person's partner organization, for a partner contact. */
  readonly organization?: Organization;
}

/** The partner organization a person belongs to, for a partner contact; access depends on it too. */
export const partnerOrganizationIdOf = (person: Person | undefined) =>
  person?.module === 'partner-contacts' && typeof person.organizationId === 'string'
    ? person.organizationId
    : undefined;

/** The name an email greets the person with. */
export const greetingNameOf = (person: Pick<Person, 'firstName' | 'lastName'>) =>
  [person.firstName, person.lastName].filter(Boolean).join(' ') || 'there';

/**
 * "The person and their partner organization", read the one way every caller needs it: strongly consistent, so a
 * change staff just made is what the next sign-in, request, reconcile or status sees.
 */
export function createPersonLoader(deps: { readonly dynamo: DynamoDBClient; readonly tableName: string }) {
  const { dynamo, tableName } = deps;

  const read = (id: string) => readRecord({ dynamo, tableName }, id);

  /** A partner contact's organization (the one their access depends on); none for anyone else. */
  async function organizationOf(person: Person | undefined): Promise<Organization | undefined> {
    const organizationId = partnerOrganizationIdOf(person);
    return organizationId ? ((await read(organizationId)) as Organization | undefined) : undefined;
  }

  async function load(personId: string): Promise<PersonWithOrganization> {
    const person = (await read(personId)) as Person | undefined;
    return { person, organization: await organizationOf(person) };
  }

  /** Records by id, batched (shared/data/read-records.ts), patient with unprocessed keys as a batch job can be. */
  function readMany(ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    return readRecordsById(dynamo, tableName, ids, { retries: 8, baseMs: 50, maxMs: 2_000 });
  }

  /** Many people and their partner organizations in two batched reads (the daily check's pages). */
  async function loadMany(personIds: readonly string[]): Promise<(personId: string) => PersonWithOrganization> {
    const people = await readMany(personIds);
    const organizations = await readMany(
      [...people.values()].flatMap((person) => partnerOrganizationIdOf(person as Person) ?? []),
    );
    return (personId) => {
      const person = people.get(personId) as Person | undefined;
      const organizationId = partnerOrganizationIdOf(person);
      return { person, organization: organizationId ? (organizations.get(organizationId) as Organization) : undefined };
    };
  }

  return { load, organizationOf, loadMany, readMany };
}

export type PersonLoader = ReturnType<typeof createPersonLoader>;
