import type { DynamoDBRecord } from 'aws-lambda';
import { accessStreamInterest } from '../../shared/access/stream-changes';
import { matchesInterest } from '../../shared/data/stream-interest';

const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', sk: string, module: string): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    Keys: { pk: { S: 'pcon_1' }, sk: { S: sk } },
    ...(eventName === 'REMOVE' ? { OldImage: { module: { S: module } } } : { NewImage: { module: { S: module } } }),
  },
});

describe('the controller stream interest', () => {
  it.each([
    ['INSERT', 'RECORD', 'partner-contacts', true],
    ['MODIFY', 'RECORD', 'leads', true],
    ['REMOVE', 'RECORD', 'contacts', true],
    ['MODIFY', 'RECORD', 'partner-organizations', true],
    ['MODIFY', 'RECORD', 'organizations', false],
    ['INSERT', 'RECORD', 'tickets', false],
    ['MODIFY', 'ACCESS', 'partner-contacts', false],
    ['INSERT', 'HISTORY#2026', 'contacts', false],
  ] as const)('%s of a %s item of %s → %s', (eventName, sk, module, expected) => {
    expect(matchesInterest(record(eventName, sk, module), accessStreamInterest)).toBe(expected);
  });

  it('judges a removal by its old image', () => {
    const removal: DynamoDBRecord = {
      eventName: 'REMOVE',
      dynamodb: { Keys: { sk: { S: 'RECORD' } }, NewImage: { module: { S: 'contacts' } } },
    };
    expect(matchesInterest(removal, accessStreamInterest)).toBe(false);
  });
});
