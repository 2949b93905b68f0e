/// <reference lib="dom" />
/** Where the hosted login is and which app client we are; served beside the app as `config.json`. */
export interface AppConfig {
  /** Base URL of the hosted login (`/oauth2/authorize`, `/oauth2/token`, `/logout` live under it). */
  readonly loginUrl: string;
  readonly clientId: string;
  readonly scopes: string;
  readonly branding: Branding;
}

/** The deployment's organization, logo and accent colour (validated where they are configured, checked again here). */
export interface Branding {
  readonly organizationName: string;
  readonly logoUrl?: string;
  readonly accentColor: string;
}

function brandingOf(value: unknown): Branding {
  const given = (value ?? {}) as Partial<Branding>;
  return {
    organizationName: typeof given.organizationName === 'string' ? given.organizationName : 'Portal',
    ...(typeof given.logoUrl === 'string' && given.logoUrl.startsWith('https://') ? { logoUrl: given.logoUrl } : {}),
    accentColor:
      typeof given.accentColor === 'string' && /^#[0-9a-f]{6}$/i.test(given.accentColor) ? given.accentColor : '',
  };
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
    branding: brandingOf(config.branding),
  };
}

/** The app's own address: the registered callback and sign-out URL. */
export const appUrl = () => `${location.origin}/`;
