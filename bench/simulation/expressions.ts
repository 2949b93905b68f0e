/**
 * DynamoDB's condition, key-condition and update expressions, evaluated over plain (unmarshalled) items: the subset
 * Portico writes (comparisons, IN, AND/OR/NOT, attribute_exists/attribute_not_exists/begins_with, SET with
 * if_not_exists and `+`/`-`, REMOVE, ADD), nested paths by dots. Enough for the simulated table to run the real
 * code's conditional writes with DynamoDB's semantics; anything else throws, so a gap shows at once.
 */
type Item = Record<string, unknown>;
type Token = { kind: 'name' | 'value' | 'word' | 'op' | 'punct'; text: string };

const tokenPattern =
  /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(<>|<=|>=|=|<|>|\+|-)|([(),.]))/y;

const tokenized = new Map<string, readonly Token[]>();

/** An expression's tokens, once per distinct text: the code under test writes the same few expressions again and again. */
function tokenize(expression: string): readonly Token[] {
  let tokens = tokenized.get(expression);
  if (!tokens) {
    if (tokenized.size >= 10_000) tokenized.clear(); // expressions name values by placeholders: a few dozen texts
    tokenized.set(expression, (tokens = scan(expression)));
  }
  return tokens;
}

function scan(expression: string): Token[] {
  const tokens: Token[] = [];
  const end = expression.trimEnd().length;
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < end) {
    const at = tokenPattern.lastIndex;
    const match = tokenPattern.exec(expression);
    if (!match) throw new Error(`unsupported expression at ${at}: ${expression}`);
    const [, name, value, word, op, punct] = match;
    if (name) tokens.push({ kind: 'name', text: name });
    else if (value) tokens.push({ kind: 'value', text: value });
    else if (word) tokens.push({ kind: 'word', text: word });
    else if (op) tokens.push({ kind: 'op', text: op });
    else tokens.push({ kind: 'punct', text: punct! });
  }
  return tokens;
}

export interface ExpressionContext {
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly context: ExpressionContext,
  ) {}

  private peek(offset = 0) {
    return this.tokens[this.i + offset];
  }
  private next() {
    const token = this.tokens[this.i++];
    if (!token) throw new Error('unexpected end of expression');
    return token;
  }
  private isWord(text: string, offset = 0) {
    const token = this.peek(offset);
    return token?.kind === 'word' && token.text.toUpperCase() === text;
  }
  private expect(text: string) {
    const token = this.next();
    if (token.text !== text) throw new Error(`expected ${text}, got ${token.text}`);
  }
  done() {
    return this.i >= this.tokens.length;
  }

  path(): string[] {
    const parts = [this.pathPart()];
    while (this.peek()?.text === '.') {
      this.next();
      parts.push(this.pathPart());
    }
    return parts;
  }
  private pathPart(): string {
    const token = this.next();
    if (token.kind === 'name') {
      const name = this.context.names?.[token.text];
      if (name === undefined) throw new Error(`undefined name ${token.text}`);
      return name;
    }
    if (token.kind === 'word') return token.text;
    throw new Error(`expected an attribute, got ${token.text}`);
  }

  /** An operand: a value placeholder, a path, or a function of them. */
  operand(item: Item | undefined): unknown {
    const token = this.peek();
    if (token?.kind === 'value') {
      this.next();
      if (!(token.text in (this.context.values ?? {}))) throw new Error(`undefined value ${token.text}`);
      return this.context.values![token.text];
    }
    if (token?.kind === 'word' && this.peek(1)?.text === '(') {
      const fn = this.next().text;
      this.expect('(');
      if (fn === 'if_not_exists') {
        const path = this.path();
        this.expect(',');
        const fallback = this.operand(item);
        this.expect(')');
        const current = read(item, path);
        return current === undefined ? fallback : current;
      }
      throw new Error(`unsupported function ${fn}`);
    }
    return read(item, this.path());
  }

  condition(item: Item | undefined): boolean {
    let result = this.conjunction(item);
    while (this.isWord('OR')) {
      this.next();
      const right = this.conjunction(item);
      result = result || right;
    }
    return result;
  }
  private conjunction(item: Item | undefined): boolean {
    let result = this.negation(item);
    while (this.isWord('AND')) {
      this.next();
      const right = this.negation(item);
      result = result && right;
    }
    return result;
  }
  private negation(item: Item | undefined): boolean {
    if (this.isWord('NOT')) {
      this.next();
      return !this.negation(item);
    }
    return this.primary(item);
  }
  private primary(item: Item | undefined): boolean {
    if (this.peek()?.text === '(') {
      this.next();
      const result = this.condition(item);
      this.expect(')');
      return result;
    }
    const token = this.peek();
    if (token?.kind === 'word' && this.peek(1)?.text === '(') {
      const fn = token.text;
      if (fn === 'attribute_exists' || fn === 'attribute_not_exists') {
        this.next();
        this.expect('(');
        const exists = read(item, this.path()) !== undefined;
        this.expect(')');
        return fn === 'attribute_exists' ? exists : !exists;
      }
      if (fn === 'begins_with') {
        this.next();
        this.expect('(');
        const value = this.operand(item);
        this.expect(',');
        const prefix = this.operand(item);
        this.expect(')');
        return typeof value === 'string' && typeof prefix === 'string' && value.startsWith(prefix);
      }
    }
    const left = this.operand(item);
    if (this.isWord('IN')) {
      this.next();
      this.expect('(');
      const options = [this.operand(item)];
      while (this.peek()?.text === ',') {
        this.next();
        options.push(this.operand(item));
      }
      this.expect(')');
      return options.some((option) => compare(left, '=', option));
    }
    if (this.isWord('BETWEEN')) {
      this.next();
      const low = this.operand(item);
      if (!this.isWord('AND')) throw new Error('expected AND in BETWEEN');
      this.next();
      const high = this.operand(item);
      return compare(left, '>=', low) && compare(left, '<=', high);
    }
    const op = this.next();
    if (op.kind !== 'op') throw new Error(`expected a comparator, got ${op.text}`);
    return compare(left, op.text, this.operand(item));
  }

  /** Applies an update expression to a copy of `item` and answers it. */
  update(item: Item): Item {
    // Copy-on-write: the top level here, nested maps as a path writes into them; the stored item is never changed.
    const result = { ...item };
    while (!this.done()) {
      const clause = this.next().text.toUpperCase();
      do {
        if (clause === 'SET') {
          const path = this.path();
          this.expect('=');
          let value = this.operand(item);
          const op = this.peek();
          if (op?.text === '+' || op?.text === '-') {
            this.next();
            const other = this.operand(item) as number;
            value = op.text === '+' ? (value as number) + other : (value as number) - other;
          }
          write(result, path, value);
        } else if (clause === 'REMOVE') {
          remove(result, this.path());
        } else if (clause === 'ADD') {
          const path = this.path();
          const value = this.operand(item) as number;
          const current = read(result, path);
          write(result, path, ((current as number | undefined) ?? 0) + value);
        } else throw new Error(`unsupported update clause ${clause}`);
      } while (this.peek()?.text === ',' && this.next());
    }
    return result;
  }
}

function read(item: Item | undefined, path: readonly string[]): unknown {
  let value: unknown = item;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Item)[part];
  }
  return value;
}

/** The map a nested path writes into, copied along the way (the caller's item is a shallow copy). */
function parentOf(item: Item, path: readonly string[], strict: boolean): Item | undefined {
  let target = item;
  for (const part of path.slice(0, -1)) {
    const child = target[part];
    if (child === null || typeof child !== 'object') {
      if (strict) throw new Error(`the document path ${path.join('.')} is invalid`);
      return undefined;
    }
    target = target[part] = (Array.isArray(child) ? [...(child as unknown[])] : { ...(child as Item) }) as Item;
  }
  return target;
}

function write(item: Item, path: readonly string[], value: unknown) {
  parentOf(item, path, true)![path.at(-1)!] = value;
}

function remove(item: Item, path: readonly string[]) {
  const parent = parentOf(item, path, false);
  if (parent) delete parent[path.at(-1)!];
}

function compare(left: unknown, op: string, right: unknown): boolean {
  if (left === undefined || right === undefined) return op === '<>' ? left !== right : false;
  const equal = JSON.stringify(left) === JSON.stringify(right);
  if (op === '=') return equal;
  if (op === '<>') return !equal;
  if (typeof left !== typeof right || (typeof left !== 'string' && typeof left !== 'number')) return false;
  const l = left as string | number;
  const r = right as string | number;
  return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : op === '>=' ? l >= r : false;
}

export function evaluateCondition(expression: string, item: Item | undefined, context: ExpressionContext): boolean {
  const parser = new Parser(tokenize(expression), context);
  const result = parser.condition(item);
  if (!parser.done()) throw new Error(`unparsed rest of condition: ${expression}`);
  return result;
}

export function applyUpdate(expression: string, item: Item, context: ExpressionContext): Item {
  return new Parser(tokenize(expression), context).update(item);
}
