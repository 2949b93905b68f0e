import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type CancellationReason,
  type TransactWriteItem,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { Conflict, DomainError, NotFound, PreconditionFailed, ValidationFailed } from '../../shared/http/errors';
import type { HttpEvent, HttpResult } from '../../shared/http/http-handler';
import { findModule, type ModuleDeclaration } from '../../shared/modules/registry';
import { createWithInline } from '../../shared/records/record-create-inline';
import { createRecordService } from '../../shared/records/record-service';
import { rejectionOf, writesSentBy } from './support/failures';

/**
 * Faults the local emulator cannot produce on demand: cancelled transactions with chosen reasons, lasting
 * transaction conflicts, throttling, and the conditional delete's ALL_OLD item.
 */

const dynamo = mockClient(DynamoDBClient);
const writesSent = () => writesSentBy(dynamo);

const moduleNamed = (name: string): ModuleDeclaration => findModule(name)!;
const contacts = moduleNamed('contacts');
const organizations = moduleNamed('organizations');

const conId = 'con_11111111-1111-4111-8111-111111111111';
const otherConId = 'con_22222222-2222-4222-8222-222222222222';
const orgA = 'org_aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const orgB = 'org_bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

/** Attempts of a read-modify-write before a lost race becomes 409 (`maxAttempts` in record-service.ts). */
const maxAttempts = 4;

const service = () =>
  createRecordService({
    dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: 'portico',
    now: () => new Date('2025-06-01T12:00:00.000Z'),
    newId: (m) => (m.name === 'contacts' ? conId : `${m.idPrefix}_33333333-3333-4333-8333-333333333333`),
    createWithInline,
  });

function storedContact(fields: Record<string, unknown> = {}, version = 3) {
  return marshall({
    pk: conId,
    sk: 'RECORD',
    module: 'contacts',
    id: conId,
    lastName: 'Doe',
    email: 'doe@example.com',
    version,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    createdBy: 'staff-0',
    updatedBy: 'staff-0',
    gsi1pk: 'contacts',
    gsi1sk: `2025-01-01T00:00:00.000Z#${conId}`,
    ...fields,
  });
}

const cancelled = (reasons: CancellationReason[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: {},
    CancellationReasons: reasons,
  });

/** Reasons for `items` where the item `failing` picks gets `reason` and every other one `None`. */
const reasonsFor = (
  items: readonly TransactWriteItem[],
  failing: (item: TransactWriteItem) => boolean,
  reason: CancellationReason,
) => items.map((item) => (failing(item) ? reason : { Code: 'None' }));

const sentTransactions = () =>
  dynamo.commandCalls(TransactWriteItemsCommand).map((call) => call.args[0].input as TransactWriteItemsCommandInput);

// The handler, for the HTTP view of the same faults.
let handler: (event: HttpEvent, context: Context) => Promise<HttpResult>;
const context = { awsRequestId: 'req-faults', functionName: 'crm-records' } as Context;

function request(
  routeKey: string,
  options: { id?: string; body?: unknown; ifMatch?: string } = {},
): Promise<HttpResult & { document: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers,
    ...(options.id ? { pathParameters: { id: options.id } } : {}),
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    isBase64Encoded: false,
    requestContext: { requestId: 'corr-faults', authorizer: { jwt: { claims: { sub: 'staff-1' }, scopes: null } } },
  } as unknown as HttpEvent;
  return handler(event, context).then((response) => ({
    ...response,
    document: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {},
  }));
}

beforeAll(async () => {
  process.env.TABLE_NAME = 'portico';
  // What approving a deal registration reads (shared/deals/deal-config.ts).
  process.env.TIME_ZONE = 'UTC';
  process.env.DEAL_PROTECTION_DAYS = '90';
  process.env.AWS_REGION = 'eu-west-1';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../functions/crm-records'));
});
beforeEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

describe('(a) a portal claim another person holds', () => {
  const portalContact = { lastName: 'Doe', email: '  Jane@Example.COM ', portal: { enabled: true } };
  const isEmailClaim = (item: TransactWriteItem) => item.Put?.Item?.pk?.S?.startsWith('UNIQUE#email#') === true;

  beforeEach(() => {
    dynamo.on(TransactWriteItemsCommand).callsFake(async (input: TransactWriteItemsCommandInput) => {
      throw cancelled(
        reasonsFor(input.TransactItems!, isEmailClaim, {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: marshall({ pk: 'UNIQUE#email#jane@example.com', sk: 'UNIQUE', kind: 'email', holderId: otherConId }),
        }),
      );
    });
  });

  it('is a Conflict naming the field and the holder', async () => {
    const error = await rejectionOf(service().create(contacts, portalContact, 'staff-1'));
    expect(error).toBeInstanceOf(Conflict);
    expect((error as Conflict).extensions.conflict).toEqual({ field: 'email', holderId: otherConId });
    expect(error.message).toContain('jane@example.com');
    // The claim was asked for in the same transaction as the record, on the normalised address.
    const [transaction] = sentTransactions();
    expect(transaction!.TransactItems!.filter(isEmailClaim)).toHaveLength(1);
    expect(transaction!.TransactItems!.find(isEmailClaim)!.Put!.Item!.pk!.S).toBe('UNIQUE#email#jane@example.com');
    expect(transaction!.TransactItems!.find((item) => item.Put?.Item?.sk?.S === 'RECORD')).toBeDefined();
  });

  it('answers 409 with extensions.conflict.holderId over HTTP', async () => {
    const response = await request('POST /contacts', { body: portalContact });
    expect(response.statusCode).toBe(409);
    expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json' });
    expect(response.document).toMatchObject({ status: 409, conflict: { field: 'email', holderId: otherConId } });
  });

  it('names portal.username when the username claim is the one taken', async () => {
    const isUsernameClaim = (item: TransactWriteItem) => item.Put?.Item?.pk?.S?.startsWith('UNIQUE#username#') === true;
    dynamo.on(TransactWriteItemsCommand).callsFake(async (input: TransactWriteItemsCommandInput) => {
      throw cancelled(
        reasonsFor(input.TransactItems!, isUsernameClaim, {
          Code: 'ConditionalCheckFailed',
          Item: marshall({ holderId: otherConId }),
        }),
      );
    });
    const body = { ...portalContact, portal: { enabled: true, username: 'Jane.Doe' } };
    const error = await rejectionOf(service().create(contacts, body, 'staff-1'));
    expect(error).toBeInstanceOf(Conflict);
    expect((error as Conflict).extensions.conflict).toEqual({ field: 'portal.username', holderId: otherConId });
  });

  it('a referenced organization that does not exist is a 400 at organizationId, not a conflict', async () => {
    const isLinkUpdate = (item: TransactWriteItem) => item.Update?.Key?.pk?.S === orgA;
    dynamo.on(TransactWriteItemsCommand).callsFake(async (input: TransactWriteItemsCommandInput) => {
      throw cancelled(reasonsFor(input.TransactItems!, isLinkUpdate, { Code: 'ConditionalCheckFailed' }));
    });
    const error = await rejectionOf(service().create(contacts, { lastName: 'Doe', organizationId: orgA }, 'staff-1'));
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).extensions.errors).toEqual([
      { path: '/organizationId', message: 'refers to no existing organization' },
    ]);
  });
});

describe('(b) transaction conflicts that do not go away', () => {
  const linkedContact = () => storedContact({ organizationId: orgA, gsi2pk: `LINK#${orgA}` });
  const conflictOnRecord = (input: TransactWriteItemsCommandInput) =>
    cancelled(input.TransactItems!.map((_, index) => ({ Code: index === 0 ? 'TransactionConflict' : 'None' })));

  it('an update is retried, re-reading each time, and then answers Conflict', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: linkedContact() });
    dynamo.on(TransactWriteItemsCommand).callsFake(async (input) => {
      throw conflictOnRecord(input);
    });
    const error = await rejectionOf(service().update(contacts, conId, { organizationId: orgB }, 'staff-1'));
    expect(error).toBeInstanceOf(Conflict);
    expect((error as Conflict).status).toBe(409);
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(maxAttempts);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(maxAttempts);
    // Each attempt moved the link from A to B under the version it had just read.
    for (const transaction of sentTransactions()) {
      const updates = transaction.TransactItems!.filter((item) => item.Update);
      expect(
        updates.map((item) => [item.Update!.Key!.pk!.S, unmarshall(item.Update!.ExpressionAttributeValues!)]),
      ).toEqual([
        [orgB, { ':delta': 1 }],
        [orgA, { ':delta': -1 }],
      ]);
    }
  });

  it('a create is sent again as it is, and then answers Conflict (never a 500)', async () => {
    dynamo.on(TransactWriteItemsCommand).callsFake(async (input) => {
      throw conflictOnRecord(input);
    });
    const response = await request('POST /contacts', { body: { lastName: 'Doe', organizationId: orgA } });
    expect(response.statusCode).toBe(409);
    const sent = sentTransactions();
    expect(sent).toHaveLength(maxAttempts);
    expect(new Set(sent.map((input) => JSON.stringify(input))).size).toBe(1);
  });

  it('a create whose conflict clears is written once more and succeeds', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .callsFakeOnce(async (input) => {
        throw conflictOnRecord(input);
      })
      .resolves({});
    const record = await service().create(contacts, { lastName: 'Doe', organizationId: orgA }, 'staff-1');
    expect(record).toMatchObject({ id: conId, version: 1 });
    expect(sentTransactions()).toHaveLength(2);
  });

  it('answers 409 over HTTP after the same number of attempts', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: linkedContact() });
    dynamo.on(TransactWriteItemsCommand).callsFake(async (input) => {
      throw conflictOnRecord(input);
    });
    const response = await request('PATCH /contacts/{id}', { id: conId, body: { organizationId: orgB } });
    expect(response.statusCode).toBe(409);
    expect(response.document).toMatchObject({ status: 409, title: 'Conflict' });
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(maxAttempts);
  });

  it('succeeds when the conflict clears before the budget runs out, writing on top of the last read', async () => {
    dynamo
      .on(GetItemCommand)
      .resolvesOnce({ Item: linkedContact() })
      .resolvesOnce({ Item: storedContact({ organizationId: orgA }, 4) })
      .resolves({ Item: storedContact({ organizationId: orgA }, 5) });
    dynamo
      .on(TransactWriteItemsCommand)
      .callsFakeOnce(async (input) => {
        throw conflictOnRecord(input);
      })
      .callsFakeOnce(async (input) => {
        throw conflictOnRecord(input);
      })
      .resolves({});
    const record = await service().update(contacts, conId, { organizationId: orgB }, 'staff-1');
    expect(record).toMatchObject({ id: conId, version: 6, organizationId: orgB });
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(3);
    const last = sentTransactions()[2]!.TransactItems![0]!.Put!;
    expect(unmarshall(last.ExpressionAttributeValues!)).toEqual({ ':version': 5 });
  });

  it("the record's own condition failing (someone wrote it meanwhile) is also retried", async () => {
    dynamo
      .on(GetItemCommand)
      .resolvesOnce({ Item: linkedContact() })
      .resolves({ Item: storedContact({ organizationId: orgA }, 4) });
    dynamo
      .on(TransactWriteItemsCommand)
      .callsFakeOnce(async (input: TransactWriteItemsCommandInput) => {
        throw cancelled(
          reasonsFor(input.TransactItems!, (item) => item.Put?.Item?.sk?.S === 'RECORD', {
            Code: 'ConditionalCheckFailed',
            Item: storedContact({ organizationId: orgA }, 4),
          }),
        );
      })
      .resolves({});
    const record = await service().update(contacts, conId, { organizationId: orgB }, 'staff-1');
    expect(record.version).toBe(5);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(2);
  });

  it('a person delete is retried the same way, then answers Conflict', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: linkedContact() });
    dynamo.on(TransactWriteItemsCommand).callsFake(async (input) => {
      throw conflictOnRecord(input);
    });
    const error = await rejectionOf(service().remove(contacts, conId));
    expect(error).toBeInstanceOf(Conflict);
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(maxAttempts);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(maxAttempts);
  });
});

describe('(c) throttling', () => {
  const secret =
    'Throughput exceeds the provisioned rate for table arn:aws:dynamodb:eu-west-1:123456789012:table/portico';
  const throttled = () => new ProvisionedThroughputExceededException({ message: secret, $metadata: {} });

  it('is not turned into a domain error by the service', async () => {
    // The organization and its search term: one transaction.
    dynamo.on(TransactWriteItemsCommand).rejects(throttled());
    const error = await rejectionOf(service().create(organizations, { name: 'Acme' }, 'staff-1'));
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(error).not.toBeInstanceOf(DomainError);
    // No silent retry loop at the service level: the SDK's own retries are the only ones.
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
  });

  it.each([
    [
      'a create (TransactWriteItems with its search term)',
      'POST /organizations',
      {},
      { name: 'Acme' },
      TransactWriteItemsCommand,
    ],
    ['an update (PutItem)', 'PATCH /contacts/{id}', { id: conId }, { title: 'Dr' }, PutItemCommand],
    ['an update (GetItem)', 'PATCH /contacts/{id}', { id: conId }, { title: 'Dr' }, GetItemCommand],
    [
      'a linked create (TransactWriteItems)',
      'POST /contacts',
      {},
      { lastName: 'Doe', organizationId: orgA },
      TransactWriteItemsCommand,
    ],
  ] as const)(
    'answers 503 with Retry-After for %s without leaking the message',
    async (_what, routeKey, path, body, command) => {
      dynamo.on(GetItemCommand).resolves({ Item: storedContact() });
      dynamo.on(command as typeof PutItemCommand).rejects(throttled());
      const response = await request(routeKey, { ...path, body });
      expect(response.statusCode).toBe(503);
      expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json', 'retry-after': '1' });
      expect(response.document).toMatchObject({
        status: 503,
        title: 'Service busy',
        correlationId: 'corr-faults',
      });
      expect(response.body).not.toContain('arn:aws');
      expect(response.body).not.toContain('123456789012');
      expect(response.body).not.toContain('ProvisionedThroughputExceeded');
      expect(response.body).not.toContain('Throughput');
    },
  );

  it('a transaction cancelled for throttling is a 500, not retried as a conflict', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: storedContact({ organizationId: orgA }) });
    dynamo.on(TransactWriteItemsCommand).callsFake(async (input: TransactWriteItemsCommandInput) => {
      throw cancelled(input.TransactItems!.map((_, i) => ({ Code: i === 0 ? 'ThrottlingError' : 'None' })));
    });
    const response = await request('PATCH /contacts/{id}', { id: conId, body: { organizationId: orgB } });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('ThrottlingError');
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
  });
});

describe("(d) the organization delete's condition", () => {
  const stored = (fields: Record<string, unknown>) =>
    marshall({ pk: orgA, sk: 'RECORD', module: 'organizations', id: orgA, name: 'Acme', version: 1, ...fields });
  const isDelete = (item: TransactWriteItem) => item.Delete?.Key?.sk?.S === 'RECORD';
  /** The delete of the organization fails its condition; DynamoDB answers the item as it was (ALL_OLD). */
  const failedDelete = (old?: Record<string, unknown>) => async (input: TransactWriteItemsCommandInput) => {
    throw cancelled(
      reasonsFor(input.TransactItems!, isDelete, {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(old ? { Item: stored(old) } : {}),
      }),
    );
  };

  it('with linked people or records is 409 carrying linkCount', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: stored({ linkCount: 2 }) });
    dynamo.on(TransactWriteItemsCommand).callsFake(failedDelete({ linkCount: 2 }));
    const response = await request('DELETE /organizations/{id}', { id: orgA });
    expect(response.statusCode).toBe(409);
    expect(response.document).toMatchObject({ status: 409, linkCount: 2 });
    expect(response.document.detail).toMatch(/2 linked people or records/);
    // A read, then one transaction: the conditional delete with the search term's delete.
    expect(dynamo.calls()).toHaveLength(2);
    const [transaction] = sentTransactions();
    const remove = transaction!.TransactItems!.find(isDelete)!.Delete!;
    expect(remove.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(remove.ConditionExpression).toContain('linkCount = :zero');
    expect(remove.ConditionExpression).toContain('version = :version');
    expect(transaction!.TransactItems!.map((item) => item.Delete?.Key?.pk?.S)).toContain('SEARCH#organizations#a');
  });

  it('says "person or record" for a single link', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: stored({ linkCount: 1 }) });
    dynamo.on(TransactWriteItemsCommand).callsFake(failedDelete({ linkCount: 1 }));
    const error = await rejectionOf(service().remove(organizations, orgA));
    expect(error).toBeInstanceOf(Conflict);
    expect((error as Conflict).extensions.linkCount).toBe(1);
    expect(error.message).toMatch(/1 linked person or record;/);
  });

  it('of one that does not exist, or was deleted after the read, is 404', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const response = await request('DELETE /organizations/{id}', { id: orgA });
    expect(response.statusCode).toBe(404);
    expect(response.document).not.toHaveProperty('linkCount');
    expect(writesSent()).toBe(0);
    dynamo.reset();
    dynamo.on(GetItemCommand).resolves({ Item: stored({}) });
    dynamo.on(TransactWriteItemsCommand).callsFake(failedDelete());
    await expect(service().remove(organizations, orgA)).rejects.toBeInstanceOf(NotFound);
  });

  it('with another version than If-Match names is 412 and writes nothing', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: stored({ version: 7, linkCount: 0 }) });
    const response = await request('DELETE /organizations/{id}', { id: orgA, ifMatch: '"v6"' });
    expect(response.statusCode).toBe(412);
    expect(response.document.detail).toContain('version 7');
    expect(writesSent()).toBe(0);
  });

  it('changed between the read and the delete (no links) reads again and deletes the version it read then', async () => {
    dynamo
      .on(GetItemCommand)
      .resolvesOnce({ Item: stored({ version: 7 }) })
      .resolves({ Item: stored({ version: 8, name: 'Acme Renamed' }) });
    dynamo
      .on(TransactWriteItemsCommand)
      .callsFakeOnce(failedDelete({ version: 8, linkCount: 0 }))
      .resolves({});
    await service().remove(organizations, orgA);
    const [first, second] = sentTransactions();
    const condition = (input: TransactWriteItemsCommandInput) =>
      unmarshall(input.TransactItems!.find(isDelete)!.Delete!.ExpressionAttributeValues!);
    expect(condition(first!)).toEqual({ ':zero': 0, ':version': 7 });
    expect(condition(second!)).toEqual({ ':zero': 0, ':version': 8 });
    // The terms of the name read the second time.
    expect(second!.TransactItems!.map((item) => item.Delete?.Key?.sk?.S)).toContain(`acme renamed#${orgA}`);
  });
});

describe('(d2) a partner organization created with its primary contact', () => {
  const porgId = 'porg_33333333-3333-4333-8333-333333333333';
  const pconId = 'pcon_33333333-3333-4333-8333-333333333333';
  const body = { name: 'Initech', primaryContact: { lastName: 'Lumbergh', email: 'bill@initech.example' } };

  it("is one transaction: both Puts (the organization counting the contact's link), each naming the other", async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});
    const record = await service().create(moduleNamed('partner-organizations'), body, 'staff-1');
    expect(record).toMatchObject({ id: porgId, name: 'Initech', primaryContactId: pconId });
    expect(record).not.toHaveProperty('linkCount');
    expect(dynamo.calls()).toHaveLength(1);
    const puts = sentTransactions()[0]!.TransactItems!.filter((item) => item.Put?.Item?.sk?.S === 'RECORD');
    const [organization, contact] = puts.map((item) => unmarshall(item.Put!.Item!));
    expect(organization).toMatchObject({ id: porgId, primaryContactId: pconId, linkCount: 1 });
    expect(contact).toMatchObject({ id: pconId, organizationId: porgId, lastName: 'Lumbergh' });
    for (const put of puts) expect(put.Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
    // No Update of the organization beside its Put: a transaction may touch an item once.
    expect(sentTransactions()[0]!.TransactItems!.filter((item) => item.Update)).toEqual([]);
  });

  it("fails whole when the contact's Put fails its condition: nothing else is written on its own", async () => {
    const isContactPut = (item: TransactWriteItem) =>
      item.Put?.Item?.module?.S === 'partner-contacts' && item.Put.Item.sk?.S === 'RECORD';
    dynamo.on(TransactWriteItemsCommand).callsFake(async (input: TransactWriteItemsCommandInput) => {
      throw cancelled(
        reasonsFor(input.TransactItems!, isContactPut, {
          Code: 'ConditionalCheckFailed',
          Item: marshall({ pk: 'pcon_x', sk: 'RECORD' }),
        }),
      );
    });
    const response = await request('POST /partner-organizations', { body });
    expect(response.statusCode).toBe(409);
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
  });
});

describe('(e) a stale If-Match', () => {
  beforeEach(() => {
    dynamo.on(GetItemCommand).resolves({ Item: storedContact({ organizationId: orgA }) });
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(TransactWriteItemsCommand).resolves({});
    dynamo.on(DeleteItemCommand).resolves({});
  });

  it.each(['"v2"', '"v4"', 'W/"v3"', 'v3', '"v3"x'])(
    'PATCH with If-Match %s is 412 and writes nothing',
    async (tag) => {
      const response = await request('PATCH /contacts/{id}', { id: conId, body: { title: 'Dr' }, ifMatch: tag });
      expect(response.statusCode).toBe(412);
      expect(response.document).toMatchObject({ status: 412, title: 'Precondition failed' });
      expect(writesSent()).toBe(0);
      expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(1);
    },
  );

  it('the service refuses a stale expected version before writing', async () => {
    await expect(service().update(contacts, conId, { title: 'Dr' }, 'staff-1', [2])).rejects.toBeInstanceOf(
      PreconditionFailed,
    );
    await expect(service().update(contacts, conId, { title: 'Dr' }, 'staff-1', [])).rejects.toBeInstanceOf(
      PreconditionFailed,
    );
    expect(writesSent()).toBe(0);
  });

  it('the current version is accepted and written under the version condition', async () => {
    const response = await request('PATCH /contacts/{id}', { id: conId, body: { title: 'Dr' }, ifMatch: '"v3"' });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ etag: '"v4"' });
    const put = dynamo.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('version = :version AND attribute_not_exists(linkCount)');
    expect(unmarshall(put.ExpressionAttributeValues!)).toEqual({ ':version': 3 });
  });

  it('DELETE of a person with a stale If-Match is 412 and writes nothing', async () => {
    const response = await request('DELETE /contacts/{id}', { id: conId, ifMatch: '"v2"' });
    expect(response.statusCode).toBe(412);
    expect(writesSent()).toBe(0);
  });

  it('DELETE of an organization with an If-Match naming no version is 412 and writes nothing', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: marshall({ pk: orgA, sk: 'RECORD', id: orgA, name: 'A', version: 2 }) });
    const response = await request('DELETE /organizations/{id}', { id: orgA, ifMatch: 'W/"v2"' });
    expect(response.statusCode).toBe(412);
    expect(response.document.detail).toContain('version 2');
    expect(writesSent()).toBe(0);
  });
});
