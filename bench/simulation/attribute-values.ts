import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * The simulated table's own conversions between DynamoDB's attribute values and plain items: the same results as
 * `@aws-sdk/util-dynamodb` (`unmarshall`, and `marshall` with `removeUndefinedValues`), written for the shapes
 * Portico stores (strings, safe numbers, booleans, null, maps, lists, string sets) at a tenth of the cost; anything
 * else (binary, number sets, numbers beyond 2^53, class instances) goes to the library itself. The simulation
 * converts every request and answer, so the library's generic path was a fifth of its run.
 */
type Item = Record<string, unknown>;
type Marshalled = Record<string, AttributeValue>;

function toNative(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) {
    const number = Number(value.N);
    return Number.isSafeInteger(number) || (Number.isFinite(number) && !Number.isInteger(number))
      ? number
      : unmarshall({ value }).value;
  }
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return toItem(value.M);
  if (value.L !== undefined) return value.L.map(toNative);
  if (value.SS !== undefined) return new Set(value.SS);
  return unmarshall({ value }).value;
}

/** `unmarshall(item)`. */
export function toItem(attributes: Marshalled): Item {
  const item: Item = {};
  for (const name in attributes) item[name] = toNative(attributes[name]!);
  return item;
}

function isPlainObject(value: object): value is Item {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function toAttribute(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) {
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (Array.isArray(value) && !value.includes(undefined)) return { L: value.map(toAttribute) };
  if (typeof value === 'object' && isPlainObject(value)) return { M: toAttributes(value) };
  return marshall({ value }, { removeUndefinedValues: true }).value!;
}

/** `marshall(item, { removeUndefinedValues: true })`. */
export function toAttributes(item: Item): Marshalled {
  const attributes: Marshalled = {};
  for (const name in item) {
    const value = item[name];
    if (value !== undefined && typeof value !== 'function') attributes[name] = toAttribute(value);
  }
  return attributes;
}

/** Either way, for items that may be absent. */
export const toItemIfAny = (attributes?: Marshalled) => (attributes ? toItem(attributes) : undefined);
