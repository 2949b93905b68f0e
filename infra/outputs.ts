/**
 * Names shared by the cloud stack's outputs and `.local/outputs.json`, so a script written against one
 * works against the other.
 */
export const stackName = 'Portico';

export const outputNames = [
  'ApiUrl',
  'StaffUserPoolId',
  'StaffClientId',
  'PortalUserPoolId',
  'PortalClientId',
  'PortalLoginUrl',
  'PortalWebUrl',
  'StaffWebUrl',
  'StaffConsoleClientId',
  'StaffLoginUrl',
  'TableName',
  'FilesBucketName',
] as const;

export type OutputName = (typeof outputNames)[number];
export type StackOutputs = Record<OutputName, string>;

/**
 * Keys only the cloud stack writes, each only when its setting is given: `PortalWebDistributionDomain` (with
 * `portalDomain`), the CloudFront name the domain's DNS record must point to. The local runtime serves the web app
 * itself and has nothing to put there, so they stay out of `outputNames`.
 */
export const cloudOutputNames = ['PortalWebDistributionDomain'] as const;
export type CloudOutputName = (typeof cloudOutputNames)[number];

/** Keys only the local runtime writes. */
export const localOutputNames = [
  'CognitoEndpoint',
  'DynamoDbEndpoint',
  'SesEndpoint',
  'S3Endpoint',
  'LambdaEndpoint',
  'MailboxUrl',
  'StaffUsername',
  'StaffPassword',
] as const;

export type LocalOutputs = StackOutputs & Record<(typeof localOutputNames)[number], string>;
