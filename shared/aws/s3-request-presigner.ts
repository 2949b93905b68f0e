/**
 * The values Portico uses from `@aws-sdk/s3-request-presigner`, imported from here only (the lint rule in eslint.config.mjs): the package is CommonJS, and
 * a bundle copies a CommonJS package's every export once per module that imports it, at cold start.
 */
export { getSignedUrl } from '@aws-sdk/s3-request-presigner';
