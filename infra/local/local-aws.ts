/**
 * Credentials and region every local client and emulator shares. The emulators do not check signatures;
 * these values only have to be consistent.
 */
export const localRegion = 'eu-west-1';
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const localAccountId = '000000000000';
