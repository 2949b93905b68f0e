import { createHash } from 'node:crypto';
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface PorticoFilesProps {
  /** Browser origins that upload and download with presigned URLs: the portal web app and the staff console. */
  readonly allowedOrigins: readonly string[];
}

/**
 * The files bucket's name, known at synth time (pseudo parameters, no reference to the bucket): the portal app's
 * Content-Security-Policy names the bucket's endpoint, and the bucket's CORS rule names the app's CloudFront domain,
 * so a `Ref` to the bucket there would make the two depend on each other. The stack name's hash keeps two stacks of
 * one account and region apart; account and region make it globally unique. At most 50 characters.
 */
export function filesBucketName(stack: Stack): string {
  const stackHash = createHash('sha256').update(stack.stackName).digest('hex').slice(0, 8);
  return `portico-files-${stackHash}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** How long a replaced or deleted file's previous version is kept, for an operator to bring it back. */
export const filesNoncurrentVersionDays = Duration.days(30);

/**
 * The private bucket of tickets' attachments and documents' files. Nobody reaches it but through presigned URLs the
 * files-api function signs (shared/files/file-store.ts): public access blocked, TLS only, encrypted (S3-managed keys,
 * as the stack's other buckets), versioned, and every request logged to a bucket of its own.
 */
export class PorticoFiles extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  /** The bucket's regional endpoint, as presigned URLs name it, without a reference to the bucket (see above). */
  readonly regionalDomainName: string;

  constructor(scope: Construct, id: string, props: PorticoFilesProps) {
    super(scope, id);
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // Server access logs are delivered through the log-delivery ACL in this app (CDK's bucket-policy delivery is
      // a feature flag it does not set), which needs object-writer ownership.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: filesBucketName(Stack.of(this)),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'files/',
      cors: [
        {
          allowedOrigins: [...props.allowedOrigins],
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          // The one header an upload signs and sends (Content-Length is the browser's own).
          allowedHeaders: ['content-type'],
          exposedHeaders: ['etag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        // An upload is one PUT (at most 10 MB); a multipart upload started some other way is never finished.
        { id: 'abandoned-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // There is no pending object to expire: an upload that never happens leaves no object, only a file item
        // whose TTL removes it (shared/files/file-service.ts).
        { id: 'previous-versions', noncurrentVersionExpiration: filesNoncurrentVersionDays },
        { id: 'delete-markers', expiredObjectDeleteMarker: true },
      ],
      // Customer files outlive a deleted stack, like the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stack = Stack.of(this);
    this.regionalDomainName = `${filesBucketName(stack)}.s3.${Aws.REGION}.${stack.urlSuffix}`;
  }
}
