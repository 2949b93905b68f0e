import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface PorticoFilesProps {
  /** Browser origins that upload and download with presigned URLs: the portal web app and the staff console. */
  readonly allowedOrigins: readonly string[];
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
  }
}
