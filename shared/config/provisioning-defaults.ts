/**
 * Defaults of the provisioning settings, declared once: the functions fall back on them when their environment
 * leaves a setting out, and the CDK configuration and the local runtime fill the environment with them.
 */

/** Cognito user creations per second (COGNITO_CREATE_RATE): below Cognito's default AdminCreateUser quota of 50. */
export const defaultCreateRate = 40;

/** Failures in a row before a person's access shows `failed` (ACCESS_MAX_FAILURES), when no stream consumer says otherwise. */
export const defaultAccessMaxFailures = 5;
