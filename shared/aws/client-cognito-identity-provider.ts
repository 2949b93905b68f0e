/**
 * The values Portico uses from `@aws-sdk/client-cognito-identity-provider`, imported from here only (the lint rule in eslint.config.mjs): the package is CommonJS, and
 * a bundle copies a CommonJS package's every export once per module that imports it, at cold start.
 */
export {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
