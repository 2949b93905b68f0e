/**
 * The values Portico uses from `@aws-sdk/client-sesv2`, imported from here only (the lint rule in eslint.config.mjs): the package is CommonJS, and
 * a bundle copies a CommonJS package's every export once per module that imports it, at cold start.
 */
export { SESv2Client, SendBulkEmailCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
