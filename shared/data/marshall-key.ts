import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** Marshals a flat record of strings (a table key) without pulling in @aws-sdk/util-dynamodb. */
export function marshall(key: Readonly<Record<string, string>>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }]));
}
