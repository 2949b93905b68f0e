import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
  UsernameExistsException,
  type AdminCreateUserCommandInput,
  type AdminGetUserCommandOutput,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandInput,
  type CancellationReason,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type QueryCommandInput,
  type TransactWriteItemsCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/**
 * In-memory stand-ins for the DynamoDB items, the Cognito users and the SES mailbox that portal-access
 * provisioning touches, served behind aws-sdk-client-mock. Each call yields to the event loop before it acts
 * (atomically), so concurrent reconciles really interleave. Faults are injected per operation: `before`
 * rejects the request unapplied, `after` applies it and then loses the response (the caller sees an error
 * although the service did the work).
 */

/* ------------------------------------------------------------------ faults */

export interface Fault {
  /** The command name without `Command`: `AdminCreateUser`, `SendEmail`, `TransactWriteItems`... */
  readonly op: string;
  readonly when?: 'before' | 'after';
  /** How many matching calls fail (then the fault is spent); unlimited when left out. */
  times?: number;
  readonly match?: (input: never) => boolean;
  readonly error: () => Error;
}

export class Faults {
  private readonly faults: Fault[] = [];

  add(fault: Fault): Fault {
    this.faults.push(fault);
    return fault;
  }

  clear() {
    this.faults.length = 0;
  }

  /** Throws the first live fault for `op` at `when` that matches `input`, spending one of its times. */
  check(op: string, when: 'before' | 'after', input: unknown) {
    const fault = this.faults.find(
      (f) =>
        f.op === op &&
        (f.when ?? 'before') === when &&
        (f.times === undefined || f.times > 0) &&
        (!f.match || (f.match as (i: unknown) => boolean)(input)),
    );
    if (!fault) return;
    if (fault.times !== undefined) fault.times--;
    throw fault.error();
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/* ------------------------------------------------------------------ clock */

/** A clock that only moves when told to; `sleep` advances it instead of waiting. */
export class FakeClock {
  private time: number;
  readonly sleeps: number[] = [];

  constructor(start = '2026-03-01T09:00:00.000Z') {
    this.time = Date.parse(start);
  }

  readonly now = () => new Date(this.time);

  advance(ms: number) {
    this.time += ms;
  }

  readonly sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.time += ms;
    await tick();
  };
}

/* ------------------------------------------------------------------ expressions */

type Item = Record<string, unknown>;
type Token = { kind: 'name' | 'alias' | 'value' | 'number' | 'symbol'; text: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|([0-9]+)|(<>|<=|>=|[=<>(),.[\]+-]))/y;
  let index = 0;
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(expression);
    if (!match) throw new Error(`fake DynamoDB cannot parse "${expression}" at ${index}`);
    index = pattern.lastIndex;
    const [, alias, value, name, number, symbol] = match;
    if (alias) tokens.push({ kind: 'alias', text: alias });
    else if (value) tokens.push({ kind: 'value', text: value });
    else if (name) tokens.push({ kind: 'name', text: name });
    else if (number) tokens.push({ kind: 'number', text: number });
    else tokens.push({ kind: 'symbol', text: symbol! });
  }
  return tokens;
}

interface ExpressionContext {
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

type Path = (string | number)[];
type Operand = { path: Path } | { value: unknown } | { fn: string; args: Operand[] };

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly context: ExpressionContext,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }

  done() {
    return this.position >= this.tokens.length;
  }

  next(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new Error('fake DynamoDB: unexpected end of expression');
    return token;
  }

  expect(text: string) {
    const token = this.next();
    if (token.text !== text) throw new Error(`fake DynamoDB: expected "${text}", got "${token.text}"`);
  }

  isKeyword(word: string, offset = 0) {
    const token = this.peek(offset);
    return token?.kind === 'name' && token.text.toUpperCase() === word;
  }

  segment(token: Token): string {
    if (token.kind === 'alias') {
      const name = this.context.names[token.text];
      if (name === undefined) throw new Error(`fake DynamoDB: ${token.text} is not in ExpressionAttributeNames`);
      return name;
    }
    if (token.kind === 'name') return token.text;
    throw new Error(`fake DynamoDB: expected an attribute name, got "${token.text}"`);
  }

  path(): Path {
    const path: Path = [this.segment(this.next())];
    for (;;) {
      if (this.peek()?.text === '.') {
        this.next();
        path.push(this.segment(this.next()));
      } else if (this.peek()?.text === '[') {
        this.next();
        path.push(Number(this.next().text));
        this.expect(']');
      } else return path;
    }
  }

  operand(): Operand {
    const token = this.peek()!;
    if (token.kind === 'value') {
      this.next();
      if (!(token.text in this.context.values))
        throw new Error(`fake DynamoDB: ${token.text} is not in ExpressionAttributeValues`);
      return { value: this.context.values[token.text] };
    }
    if (token.kind === 'name' && this.peek(1)?.text === '(') {
      this.next();
      this.next();
      const args: Operand[] = [];
      while (this.peek()?.text !== ')') {
        args.push(this.operand());
        if (this.peek()?.text === ',') this.next();
      }
      this.expect(')');
      return { fn: token.text, args };
    }
    return { path: this.path() };
  }

  /* condition := or */
  condition(): (item: Item | undefined) => boolean {
    let left = this.conjunction();
    while (this.isKeyword('OR')) {
      this.next();
      const l = left;
      const r = this.conjunction();
      left = (item) => l(item) || r(item);
    }
    return left;
  }

  conjunction(): (item: Item | undefined) => boolean {
    let left = this.negation();
    while (this.isKeyword('AND')) {
      this.next();
      const l = left;
      const r = this.negation();
      left = (item) => l(item) && r(item);
    }
    return left;
  }

  negation(): (item: Item | undefined) => boolean {
    if (this.isKeyword('NOT')) {
      this.next();
      const inner = this.negation();
      return (item) => !inner(item);
    }
    return this.comparison();
  }

  comparison(): (item: Item | undefined) => boolean {
    if (this.peek()?.text === '(') {
      this.next();
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    const left = this.operand();
    if ('fn' in left) {
      const [first, second] = left.args;
      const read = (operand: Operand | undefined, item: Item | undefined) => resolve(operand!, item);
      switch (left.fn) {
        case 'attribute_exists':
          return (item) => read(first, item) !== undefined;
        case 'attribute_not_exists':
          return (item) => read(first, item) === undefined;
        case 'begins_with':
          return (item) => {
            const value = read(first, item);
            const prefix = read(second, item);
            return typeof value === 'string' && typeof prefix === 'string' && value.startsWith(prefix);
          };
        case 'contains':
          return (item) => {
            const value = read(first, item);
            const part = read(second, item);
            if (typeof value === 'string') return typeof part === 'string' && value.includes(part);
            if (Array.isArray(value)) return value.some((v) => equal(v, part));
            if (value instanceof Set) return value.has(part);
            return false;
          };
        default:
          throw new Error(`fake DynamoDB: condition function ${left.fn} is not supported`);
      }
    }
    if (this.isKeyword('IN')) {
      this.next();
      this.expect('(');
      const options: Operand[] = [];
      while (this.peek()?.text !== ')') {
        options.push(this.operand());
        if (this.peek()?.text === ',') this.next();
      }
      this.expect(')');
      return (item) => {
        const value = resolve(left, item);
        return value !== undefined && options.some((option) => equal(value, resolve(option, item)));
      };
    }
    if (this.isKeyword('BETWEEN')) {
      this.next();
      const low = this.operand();
      if (!this.isKeyword('AND')) throw new Error('fake DynamoDB: BETWEEN needs AND');
      this.next();
      const high = this.operand();
      return (item) => {
        const value = resolve(left, item);
        return compare(value, resolve(low, item), '>=') && compare(value, resolve(high, item), '<=');
      };
    }
    const operator = this.next().text;
    const right = this.operand();
    return (item) => compare(resolve(left, item), resolve(right, item), operator);
  }
}

function getPath(item: unknown, path: Path): unknown {
  let current = item;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function setPath(item: Item, path: Path, value: unknown) {
  let current: Record<string | number, unknown> = item;
  for (const segment of path.slice(0, -1)) {
    const child = current[segment];
    if (child === null || typeof child !== 'object')
      throw new Error(`fake DynamoDB: the document path ${path.join('.')} is invalid for this item`);
    current = child as Record<string | number, unknown>;
  }
  current[path.at(-1)!] = value;
}

function removePath(item: Item, path: Path) {
  const parent = getPath(item, path.slice(0, -1));
  if (parent && typeof parent === 'object') delete (parent as Record<string | number, unknown>)[path.at(-1)!];
}

function resolve(operand: Operand, item: Item | undefined): unknown {
  if ('value' in operand) return operand.value;
  if ('path' in operand) return getPath(item, operand.path);
  const args = operand.args.map((arg) => resolve(arg, item));
  switch (operand.fn) {
    case 'if_not_exists':
      return args[0] === undefined ? args[1] : args[0];
    case 'list_append':
      return [...((args[0] as unknown[]) ?? []), ...((args[1] as unknown[]) ?? [])];
    default:
      throw new Error(`fake DynamoDB: function ${operand.fn} is not supported`);
  }
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function compare(a: unknown, b: unknown, operator: string): boolean {
  // As DynamoDB: a comparison with a missing attribute is false, except `<>`, which is true.
  if (operator === '<>') return a === undefined || b === undefined || !equal(a, b);
  if (a === undefined || b === undefined) return false;
  if (operator === '=') return equal(a, b);
  if (typeof a !== typeof b || (typeof a !== 'string' && typeof a !== 'number')) return false;
  const [x, y] = [a as string | number, b as string | number];
  switch (operator) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    default:
      throw new Error(`fake DynamoDB: operator ${operator} is not supported`);
  }
}

function contextOf(input: {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}): ExpressionContext {
  return {
    names: input.ExpressionAttributeNames ?? {},
    values: input.ExpressionAttributeValues ? unmarshall(input.ExpressionAttributeValues) : {},
  };
}

/** Compiles a condition (or key condition) expression to a predicate on an item (undefined: no item). */
export function compileCondition(expression: string, context: ExpressionContext): (item: Item | undefined) => boolean {
  const parser = new Parser(tokenize(expression), context);
  const condition = parser.condition();
  if (!parser.done()) throw new Error(`fake DynamoDB: trailing tokens in "${expression}"`);
  return condition;
}

/** Applies an update expression (SET, REMOVE, ADD) to a copy of `item`; operands read the old item. */
export function applyUpdate(item: Item, expression: string, context: ExpressionContext): Item {
  const parser = new Parser(tokenize(expression), context);
  const clauses = ['SET', 'REMOVE', 'ADD', 'DELETE'];
  const writes: (() => void)[] = [];
  const next = structuredClone(item);
  while (!parser.done()) {
    const clause = parser.next().text.toUpperCase();
    if (!clauses.includes(clause)) throw new Error(`fake DynamoDB: unknown clause ${clause} in "${expression}"`);
    for (;;) {
      const path = parser.path();
      if (clause === 'SET') {
        parser.expect('=');
        const first = resolve(parser.operand(), item);
        let value = first;
        if (parser.peek()?.text === '+' || parser.peek()?.text === '-') {
          const sign = parser.next().text === '+' ? 1 : -1;
          value = (first as number) + sign * (resolve(parser.operand(), item) as number);
        }
        writes.push(() => setPath(next, path, structuredClone(value)));
      } else if (clause === 'REMOVE') {
        writes.push(() => removePath(next, path));
      } else if (clause === 'ADD') {
        const amount = resolve(parser.operand(), item);
        const current = getPath(item, path);
        if (typeof amount === 'number') writes.push(() => setPath(next, path, ((current as number) ?? 0) + amount));
        else if (amount instanceof Set)
          writes.push(() => setPath(next, path, new Set([...((current as Set<unknown>) ?? []), ...amount])));
        else throw new Error('fake DynamoDB: ADD takes a number or a set');
      } else {
        const removed = resolve(parser.operand(), item) as Set<unknown>;
        const current = new Set(getPath(item, path) as Set<unknown>);
        for (const value of removed) current.delete(value);
        writes.push(() => setPath(next, path, current));
      }
      if (parser.peek()?.text === ',') {
        parser.next();
        continue;
      }
      break;
    }
  }
  for (const write of writes) write();
  return next;
}

/* ------------------------------------------------------------------ DynamoDB */

const keyOf = (key: Item) => `${String(key.pk)}\u0000${String(key.sk)}`;

/** The single table, as plain JavaScript items keyed by pk and sk. */
export class FakeTable {
  readonly items = new Map<string, Item>();
  readonly faults = new Faults();

  constructor(readonly tableName = 'portico') {}

  put(item: Item) {
    this.items.set(keyOf(item), structuredClone(item));
  }

  get(pk: string, sk: string): Item | undefined {
    const item = this.items.get(keyOf({ pk, sk }));
    return item ? structuredClone(item) : undefined;
  }

  delete(pk: string, sk: string) {
    this.items.delete(keyOf({ pk, sk }));
  }

  /** Items of one partition whose sort key starts with `prefix`, in sort key order. */
  partition(pk: string, prefix = ''): Item[] {
    return [...this.items.values()]
      .filter((item) => item.pk === pk && String(item.sk).startsWith(prefix))
      .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
      .map((item) => structuredClone(item));
  }

  private checkTable(name: string | undefined) {
    if (name !== this.tableName) throw new Error(`fake DynamoDB: unknown table ${name}`);
  }

  async batchGetItem(input: BatchGetItemCommandInput) {
    await tick();
    this.faults.check('BatchGetItem', 'before', input);
    const responses: Record<string, Record<string, AttributeValue>[]> = {};
    for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
      this.checkTable(table);
      responses[table] = (request.Keys ?? [])
        .map((key) => this.items.get(keyOf(unmarshall(key))))
        .filter((item): item is Item => item !== undefined)
        .map((item) => marshall(item, { removeUndefinedValues: true }));
    }
    this.faults.check('BatchGetItem', 'after', input);
    return { Responses: responses, UnprocessedKeys: {} };
  }

  async getItem(input: GetItemCommandInput) {
    await tick();
    this.checkTable(input.TableName);
    this.faults.check('GetItem', 'before', input);
    const item = this.items.get(keyOf(unmarshall(input.Key!)));
    this.faults.check('GetItem', 'after', input);
    return item ? { Item: marshall(item, { removeUndefinedValues: true }) } : {};
  }

  async query(input: QueryCommandInput) {
    await tick();
    this.checkTable(input.TableName);
    this.faults.check('Query', 'before', input);
    const matches = compileCondition(input.KeyConditionExpression!, contextOf(input));
    const sortKey = input.IndexName ? `${input.IndexName}sk` : 'sk';
    const found = [...this.items.values()]
      .filter((item) => matches(item))
      .sort((a, b) => String(a[sortKey]).localeCompare(String(b[sortKey])));
    if (input.ScanIndexForward === false) found.reverse();
    // Enough for the tests: one page, no LastEvaluatedKey.
    const page = input.Limit ? found.slice(0, input.Limit) : found;
    return { Items: page.map((item) => marshall(item, { removeUndefinedValues: true })), Count: page.length };
  }

  private updated(
    input: UpdateItemCommandInput | NonNullable<TransactWriteItemsCommandInput['TransactItems']>[number]['Update'],
  ) {
    const key = unmarshall(input!.Key!);
    const old = this.items.get(keyOf(key));
    const context = contextOf(input!);
    const passes = input!.ConditionExpression ? compileCondition(input!.ConditionExpression, context)(old) : true;
    const next = passes ? applyUpdate(old ?? { ...key }, input!.UpdateExpression!, context) : undefined;
    return { key, old, passes, next };
  }

  async updateItem(input: UpdateItemCommandInput) {
    await tick();
    this.checkTable(input.TableName);
    this.faults.check('UpdateItem', 'before', input);
    const { key, old, passes, next } = this.updated(input);
    if (!passes) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        ...(old && input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD'
          ? { Item: marshall(old, { removeUndefinedValues: true }) }
          : {}),
      });
    }
    this.items.set(keyOf(key), next!);
    this.faults.check('UpdateItem', 'after', input);
    if (input.ReturnValues === 'ALL_NEW') return { Attributes: marshall(next!, { removeUndefinedValues: true }) };
    if (input.ReturnValues === 'ALL_OLD' && old) return { Attributes: marshall(old, { removeUndefinedValues: true }) };
    return {};
  }

  async putItem(input: PutItemCommandInput) {
    await tick();
    this.checkTable(input.TableName);
    this.faults.check('PutItem', 'before', input);
    const item = unmarshall(input.Item!);
    const old = this.items.get(keyOf(item));
    if (input.ConditionExpression && !compileCondition(input.ConditionExpression, contextOf(input))(old))
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    this.items.set(keyOf(item), item);
    this.faults.check('PutItem', 'after', input);
    return {};
  }

  async transactWriteItems(input: TransactWriteItemsCommandInput) {
    await tick();
    this.faults.check('TransactWriteItems', 'before', input);
    const writes: (() => void)[] = [];
    const reasons: CancellationReason[] = [];
    for (const entry of input.TransactItems ?? []) {
      if (entry.Update) {
        this.checkTable(entry.Update.TableName);
        const { key, old, passes, next } = this.updated(entry.Update);
        reasons.push(
          passes
            ? { Code: 'None' }
            : {
                Code: 'ConditionalCheckFailed',
                Message: 'The conditional request failed',
                ...(old && entry.Update.ReturnValuesOnConditionCheckFailure === 'ALL_OLD'
                  ? { Item: marshall(old, { removeUndefinedValues: true }) }
                  : {}),
              },
        );
        writes.push(() => this.items.set(keyOf(key), next!));
      } else if (entry.Put) {
        this.checkTable(entry.Put.TableName);
        const item = unmarshall(entry.Put.Item!);
        const old = this.items.get(keyOf(item));
        const passes =
          !entry.Put.ConditionExpression || compileCondition(entry.Put.ConditionExpression, contextOf(entry.Put))(old);
        reasons.push(passes ? { Code: 'None' } : { Code: 'ConditionalCheckFailed' });
        writes.push(() => this.items.set(keyOf(item), item));
      } else if (entry.ConditionCheck) {
        this.checkTable(entry.ConditionCheck.TableName);
        const old = this.items.get(keyOf(unmarshall(entry.ConditionCheck.Key!)));
        const passes = compileCondition(
          entry.ConditionCheck.ConditionExpression!,
          contextOf(entry.ConditionCheck),
        )(old);
        reasons.push(passes ? { Code: 'None' } : { Code: 'ConditionalCheckFailed' });
      } else if (entry.Delete) {
        this.checkTable(entry.Delete.TableName);
        const key = unmarshall(entry.Delete.Key!);
        const old = this.items.get(keyOf(key));
        const passes =
          !entry.Delete.ConditionExpression ||
          compileCondition(entry.Delete.ConditionExpression, contextOf(entry.Delete))(old);
        reasons.push(passes ? { Code: 'None' } : { Code: 'ConditionalCheckFailed' });
        writes.push(() => this.items.delete(keyOf(key)));
      }
    }
    if (reasons.some((reason) => reason.Code !== 'None')) {
      throw new TransactionCanceledException({
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        $metadata: {},
        CancellationReasons: reasons,
      });
    }
    for (const write of writes) write();
    this.faults.check('TransactWriteItems', 'after', input);
    return {};
  }
}

/* ------------------------------------------------------------------ Cognito */

export interface FakeUser {
  username: string;
  enabled: boolean;
  status: 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';
  attributes: Record<string, string>;
  password: string;
  /** Global sign-outs so far. */
  signOuts: number;
}

const userNotFound = () => new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });

export class FakeCognito {
  readonly users = new Map<string, FakeUser>();
  readonly faults = new Faults();
  /** Every call that reached the fake (including the rejected ones), in order. */
  readonly log: { op: string; username: string; outcome: 'ok' | 'error' }[] = [];
  /** Usernames of the users really created (even when the answer to the caller was lost). */
  readonly created: string[] = [];

  constructor(readonly userPoolId = 'eu-west-1_portal') {}

  private async run<T>(op: string, input: { UserPoolId?: string; Username?: string }, action: () => T): Promise<T> {
    await tick();
    const entry = { op, username: input.Username ?? '', outcome: 'error' as 'ok' | 'error' };
    this.log.push(entry);
    if (input.UserPoolId !== this.userPoolId) throw new Error(`fake Cognito: unknown pool ${input.UserPoolId}`);
    this.faults.check(op, 'before', input);
    const result = action();
    this.faults.check(op, 'after', input);
    entry.outcome = 'ok';
    return result;
  }

  calls(op: string, outcome?: 'ok' | 'error') {
    return this.log.filter((entry) => entry.op === op && (!outcome || entry.outcome === outcome));
  }

  private user(username: string | undefined): FakeUser {
    const user = this.users.get(username ?? '');
    if (!user) throw userNotFound();
    return user;
  }

  /** A user as another actor (a sign-in, a test) left it. */
  seed(user: Partial<FakeUser> & { username: string }) {
    this.users.set(user.username, {
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
      attributes: {},
      password: 'Seeded-password-1',
      signOuts: 0,
      ...user,
    });
  }

  readonly handlers = {
    AdminGetUser: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminGetUser', input, (): AdminGetUserCommandOutput => {
        const user = this.user(input.Username);
        return {
          $metadata: {},
          Username: user.username,
          Enabled: user.enabled,
          UserStatus: user.status,
          UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
        };
      }),
    AdminCreateUser: (input: AdminCreateUserCommandInput) =>
      this.run('AdminCreateUser', input, () => {
        if (this.users.has(input.Username!))
          throw new UsernameExistsException({ message: 'User account already exists', $metadata: {} });
        this.users.set(input.Username!, {
          username: input.Username!,
          enabled: true,
          status: 'FORCE_CHANGE_PASSWORD',
          attributes: Object.fromEntries((input.UserAttributes ?? []).map((a) => [a.Name!, a.Value ?? ''])),
          password: input.TemporaryPassword!,
          signOuts: 0,
        });
        this.created.push(input.Username!);
        return { $metadata: {}, User: { Username: input.Username, Enabled: true } };
      }),
    AdminSetUserPassword: (input: { UserPoolId?: string; Username?: string; Password?: string; Permanent?: boolean }) =>
      this.run('AdminSetUserPassword', input, () => {
        const user = this.user(input.Username);
        user.password = input.Password!;
        user.status = input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
        return { $metadata: {} };
      }),
    AdminEnableUser: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminEnableUser', input, () => {
        this.user(input.Username).enabled = true;
        return { $metadata: {} };
      }),
    AdminDisableUser: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminDisableUser', input, () => {
        this.user(input.Username).enabled = false;
        return { $metadata: {} };
      }),
    AdminUpdateUserAttributes: (input: { UserPoolId?: string; Username?: string; UserAttributes?: AttributeType[] }) =>
      this.run('AdminUpdateUserAttributes', input, () => {
        const user = this.user(input.Username);
        for (const attribute of input.UserAttributes ?? []) user.attributes[attribute.Name!] = attribute.Value ?? '';
        return { $metadata: {} };
      }),
    AdminDeleteUserAttributes: (input: { UserPoolId?: string; Username?: string; UserAttributeNames?: string[] }) =>
      this.run('AdminDeleteUserAttributes', input, () => {
        const user = this.user(input.Username);
        for (const name of input.UserAttributeNames ?? []) delete user.attributes[name];
        return { $metadata: {} };
      }),
    AdminUserGlobalSignOut: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminUserGlobalSignOut', input, () => {
        this.user(input.Username).signOuts++;
        return { $metadata: {} };
      }),
    AdminDeleteUser: (input: { UserPoolId?: string; Username?: string }) =>
      this.run('AdminDeleteUser', input, () => {
        this.user(input.Username);
        this.users.delete(input.Username!);
        return { $metadata: {} };
      }),
  };
}

/* ------------------------------------------------------------------ SES */

export interface SentEmail {
  readonly messageId: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly tags: Record<string, string>;
}

export class FakeSes {
  readonly faults = new Faults();
  /** Every SendEmail that reached SES, accepted or not. */
  readonly attempts: SendEmailCommandInput[] = [];
  /** The ones SES accepted (they will be delivered, whatever the caller saw). */
  readonly sent: SentEmail[] = [];
  private counter = 0;

  async sendEmail(input: SendEmailCommandInput) {
    await tick();
    this.attempts.push(input);
    this.faults.check('SendEmail', 'before', input);
    const simple = input.Content!.Simple!;
    const email: SentEmail = {
      messageId: `msg-${++this.counter}`,
      to: input.Destination?.ToAddresses ?? [],
      subject: simple.Subject!.Data!,
      html: simple.Body!.Html!.Data!,
      text: simple.Body!.Text!.Data!,
      tags: Object.fromEntries((input.EmailTags ?? []).map((tag) => [tag.Name!, tag.Value!])),
    };
    this.sent.push(email);
    this.faults.check('SendEmail', 'after', input);
    return { $metadata: {}, MessageId: email.messageId };
  }

  /** Accepted invitations (purpose tag `invitation`), optionally for one person. */
  invitations(personId?: string) {
    return this.sent.filter(
      (email) => email.tags.purpose === 'invitation' && (!personId || email.tags.personId === personId),
    );
  }
}

/** The temporary password an invitation's text part carries. */
export function temporaryPasswordIn(email: SentEmail): string {
  const match = /Temporary password: (\S+)/.exec(email.text);
  if (!match) throw new Error('the email carries no temporary password');
  return match[1]!;
}

/* ------------------------------------------------------------------ wiring */

export interface Mocks {
  readonly dynamo: AwsClientStub<DynamoDBClient>;
  readonly cognito: AwsClientStub<CognitoIdentityProviderClient>;
  readonly ses: AwsClientStub<SESv2Client>;
}

export interface Fakes {
  readonly table: FakeTable;
  readonly cognito: FakeCognito;
  readonly ses: FakeSes;
}

/**
 * Resets the three mocks and routes them to fresh fakes. Pass the stubs from `mockClient(DynamoDBClient)`,
 * `mockClient(CognitoIdentityProviderClient)` and `mockClient(SESv2Client)` (made once per test file).
 */
export function installFakes(mocks: Mocks, options: { tableName?: string; userPoolId?: string } = {}): Fakes {
  const table = new FakeTable(options.tableName);
  const cognito = new FakeCognito(options.userPoolId);
  const ses = new FakeSes();
  mocks.dynamo.reset();
  mocks.cognito.reset();
  mocks.ses.reset();
  // Anything the fakes do not model fails loudly instead of answering undefined.
  mocks.dynamo.onAnyCommand().rejects(new Error('fake DynamoDB: command not modelled'));
  mocks.cognito.onAnyCommand().rejects(new Error('fake Cognito: command not modelled'));
  mocks.ses.onAnyCommand().rejects(new Error('fake SES: command not modelled'));
  mocks.dynamo.on(BatchGetItemCommand).callsFake((input) => table.batchGetItem(input));
  mocks.dynamo.on(GetItemCommand).callsFake((input) => table.getItem(input));
  mocks.dynamo.on(QueryCommand).callsFake((input) => table.query(input));
  mocks.dynamo.on(UpdateItemCommand).callsFake((input) => table.updateItem(input));
  mocks.dynamo.on(PutItemCommand).callsFake((input) => table.putItem(input));
  mocks.dynamo.on(TransactWriteItemsCommand).callsFake((input) => table.transactWriteItems(input));
  const handlers = cognito.handlers;
  mocks.cognito.on(AdminGetUserCommand).callsFake(handlers.AdminGetUser);
  mocks.cognito.on(AdminCreateUserCommand).callsFake(handlers.AdminCreateUser);
  mocks.cognito.on(AdminSetUserPasswordCommand).callsFake(handlers.AdminSetUserPassword);
  mocks.cognito.on(AdminEnableUserCommand).callsFake(handlers.AdminEnableUser);
  mocks.cognito.on(AdminDisableUserCommand).callsFake(handlers.AdminDisableUser);
  mocks.cognito.on(AdminUpdateUserAttributesCommand).callsFake(handlers.AdminUpdateUserAttributes);
  mocks.cognito.on(AdminDeleteUserAttributesCommand).callsFake(handlers.AdminDeleteUserAttributes);
  mocks.cognito.on(AdminUserGlobalSignOutCommand).callsFake(handlers.AdminUserGlobalSignOut);
  mocks.cognito.on(AdminDeleteUserCommand).callsFake(handlers.AdminDeleteUser);
  mocks.ses.on(SendEmailCommand).callsFake((input) => ses.sendEmail(input));
  return { table, cognito, ses };
}
