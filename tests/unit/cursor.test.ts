import { marshall } from '@aws-sdk/util-dynamodb';
import { decodeCursor, encodeCursor } from '../../shared/records/cursor';
import { errorsOf } from './support/failures';

describe('page cursors', () => {
  const byType = { attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], partitionKey: 'gsi1pk', partitionValue: 'contacts' };
  const lastKey = { pk: 'con_1', sk: 'RECORD', gsi1pk: 'contacts', gsi1sk: '2025-01-01T00:00:00.000Z#con_1' };
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('round-trips a LastEvaluatedKey', () => {
    const cursor = encodeCursor(marshall(lastKey))!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, byType)).toEqual(marshall(lastKey));
  });

  it('is null when there is no next page', () => {
    expect(encodeCursor(undefined)).toBeNull();
  });

  it.each([
    ['an extra attribute', cursorOf({ ...lastKey, gsi2pk: 'LINK#org_1' })],
    ['a missing attribute', cursorOf({ pk: 'con_1', sk: 'RECORD', gsi1pk: 'contacts' })],
    ["another index's attributes", cursorOf({ pk: 'con_1', sk: 'RECORD', gsi2pk: 'contacts', gsi2sk: 'x' })],
    ['another partition', cursorOf({ ...lastKey, gsi1pk: 'leads' })],
    ['a number', cursorOf({ ...lastKey, sk: 5 })],
    ['a DynamoDB attribute value', cursorOf({ ...lastKey, pk: { S: 'con_1' } })],
    ['null', cursorOf({ ...lastKey, gsi1sk: null })],
    ['an empty string', cursorOf({ ...lastKey, gsi1sk: '' })],
    ['a value over 1024 characters', cursorOf({ ...lastKey, gsi1sk: 'x'.repeat(1025) })],
    ['a JSON array', cursorOf(['con_1', 'RECORD', 'contacts', 'x'])],
    ['JSON null', cursorOf(null)],
    ['a JSON string', cursorOf('contacts')],
    ['text that is not JSON', Buffer.from('not json').toString('base64url')],
    ['text that is not base64', '!!!not base64***'],
    ['an empty cursor', ''],
  ])('refuses a cursor with %s', (_what, cursor) => {
    expect(errorsOf(() => decodeCursor(cursor, byType))).toEqual([{ path: '/cursor', message: 'invalid cursor' }]);
  });
});
