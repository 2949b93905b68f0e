import type { _Record, AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from 'aws-lambda';

/** Stream records as GetRecords gives them, in the shape Lambda's DynamoDB event carries them. */

export function toLambdaRecord(record: _Record, streamArn: string, region: string | undefined): DynamoDBRecord {
  const change = record.dynamodb ?? {};
  const identity = record.userIdentity;
  return withoutUndefined({
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region ?? record.awsRegion,
    dynamodb: withoutUndefined({
      // GetRecords gives a Date; Lambda's event has epoch seconds.
      ApproximateCreationDateTime: change.ApproximateCreationDateTime
        ? Math.floor(change.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: change.Keys && toLambdaImage(change.Keys),
      NewImage: change.NewImage && toLambdaImage(change.NewImage),
      OldImage: change.OldImage && toLambdaImage(change.OldImage),
      SequenceNumber: change.SequenceNumber,
      SizeBytes: change.SizeBytes,
      StreamViewType: change.StreamViewType,
    }),
    eventSourceARN: streamArn,
    // Lambda spells the identity of TTL deletions in camel case.
    userIdentity: identity && { type: identity.Type, principalId: identity.PrincipalId },
  });
}

function toLambdaImage(image: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttribute(value)]));
}

/** The SDK decodes binary values to bytes; the event's JSON carries them in base64, as the stream API does. */
function toLambdaAttribute(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttribute) };
  return { ...value } as LambdaAttributeValue;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
