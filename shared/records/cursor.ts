import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ValidationFailed } from '../http/errors';

/**
 * Page cursors: the Query's LastEvaluatedKey as base64url JSON. A cursor is accepted only if it holds
 * exactly the key attributes of the index being queried, as strings, in the partition being queried, so a
 * hand-made cursor can never reach outside the list it claims to continue.
 */
export function encodeCursor(lastEvaluatedKey: Record<string, AttributeValue> | undefined): string | null {
  if (!lastEvaluatedKey) return null;
  const plain = Object.fromEntries(Object.entries(lastEvaluatedKey).map(([name, value]) => [name, value.S]));
  return Buffer.from(JSON.stringify(plain)).toString('base64url');
}

export function decodeCursor(
  cursor: string,
  expected: { readonly attributes: readonly string[]; readonly partitionKey: string; readonly partitionValue: string },
): Record<string, AttributeValue> {
  const invalid = () =>
    new ValidationFailed('The cursor is not one this list returned.', [{ path: '/cursor', message: 'invalid cursor' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed as Record<string, unknown>);
  const names = new Set(entries.map(([name]) => name));
  if (names.size !== expected.attributes.length || !expected.attributes.every((name) => names.has(name)))
    throw invalid();
  if (!entries.every(([, value]) => typeof value === 'string' && value.length > 0 && value.length <= 1024))
    throw invalid();
  if ((parsed as Record<string, string>)[expected.partitionKey] !== expected.partitionValue) throw invalid();
  return Object.fromEntries(entries.map(([name, value]) => [name, { S: value as string }]));
}
