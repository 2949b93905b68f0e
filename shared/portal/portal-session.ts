/**
 * What a refused person is told, whatever the reason (shared/access/evaluate-access.ts decides): no hint of which
 * accounts exist or why. The sign-in gate, the token gate, the portal API and the web app all say this.
 */
export const refusalMessage = 'Portal access is not available for this account. Contact your account manager.';
