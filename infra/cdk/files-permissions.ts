import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { FilesBucketAccess } from '../../shared/declarations/functions';
import { fileObjectPrefixes } from '../../shared/files/file-objects';

/**
 * A function's declared access to the files bucket: exactly its object actions, on the file prefixes only (never
 * ListBucket, DeleteObject or the bucket's settings), and, when it declares `objectCreated`, the bucket's
 * ObjectCreated notifications of those prefixes.
 */
export function grantFilesBucket(fn: lambda.IFunction, access: FilesBucketAccess, bucket: s3.IBucket): void {
  if (access.actions.length > 0) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: access.actions.map((action) => `s3:${action}`),
        resources: (access.prefixes ?? fileObjectPrefixes).map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
  }
  if (access.objectCreated) {
    for (const prefix of access.prefixes ?? fileObjectPrefixes) {
      bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { prefix });
    }
  }
}
