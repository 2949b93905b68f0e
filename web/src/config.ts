/// <reference lib="dom" />
/** Where the hosted login is and which app client we are; served beside the app as `config.json`. */
export interface AppConfig {
  /** Base URL of the hosted login (`/oauth2/authorize`, `/oauth2/token`, `/logout` live under it). */
  readonly loginUrl: string;
  readonly clientId: string;
  readonly scopes: string;
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = (await response.json()) as Partial<AppConfig>;
  if (typeof config.loginUrl !== 'string' || typeof config.clientId !== 'string')
    throw new Error('config.json lacks loginUrl or clientId');
  return {
    loginUrl: config.loginUrl.replace(/\/+$/, ''),
    clientId: config.clientId,
    scopes: config.scopes ?? 'openid',
  };
}

/** The app's own address: the registered callback and sign-out URL. */
export const appUrl = () => `${location.origin}/`;
