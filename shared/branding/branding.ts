/**
 * The deployment's branding, named once (CDK context `organizationName`, `logoUrl`, `accentColor`; locally
 * `ORGANIZATION_NAME`, `LOGO_URL`, `ACCENT_COLOR`) and used by the portal app's header, the hosted login and
 * every email. Functions that send email read it from `BRANDING` (its JSON), checked at cold start.
 */
/** The organization named when the deployment names none. */
export const defaultOrganizationName = 'Portico';

/** Longest organization name: it goes into a subject line and the From display name. */
export const organizationNameMaxLength = 64;

/** A name fit for a subject line, a From display name and an HTML message: printable, no markup, bounded. */
export function organizationNameProblem(name: string): string | undefined {
  if (name.trim() !== name || name === '') return 'must be non-empty, without leading or trailing spaces';
  if (name.length > organizationNameMaxLength) return `must be at most ${organizationNameMaxLength} characters`;
  // Control characters, bidi overrides and lone surrogates would garble or disguise a subject line.
  if (/[\p{Cc}\p{Cf}\p{Cs}]/u.test(name)) return 'must not contain control or formatting characters';
  if (/[<>&"]/.test(name)) return 'must not contain < > & or "';
  return undefined;
}

export interface Branding {
  readonly organizationName: string;
  /** An https image URL; none shows the organization's name alone. */
  readonly logoUrl?: string;
  /** `#rrggbb`, dark enough for white text on it and for links on white (WCAG AA, 4.5:1). */
  readonly accentColor: string;
}

export const defaultAccentColor = '#0b5cad';
export const defaultBranding: Branding = { organizationName: defaultOrganizationName, accentColor: defaultAccentColor };

/** WCAG AA for normal text: the accent is both link text on white and the background of white button text. */
export const minimumAccentContrast = 4.5;

const hexColor = /^#[0-9a-fA-F]{6}$/;

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((start) => channel(parseInt(hex.slice(start, start + 2), 16))) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of a colour against white, 1 to 21. */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

/** The same hue darkened in steps until it meets AA against white: what a refusal suggests instead. */
export function darkenedToContrast(hex: string): string {
  let [r, g, b] = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16)) as [number, number, number];
  const toHex = () => `#${[r, g, b].map((value) => value.toString(16).padStart(2, '0')).join('')}`;
  while (contrastWithWhite(toHex()) < minimumAccentContrast) {
    [r, g, b] = [r, g, b].map((value) => Math.floor(value * 0.95)) as [number, number, number];
  }
  return toHex();
}

/**
 * Refuses (rather than silently adjusts) an accent colour below AA: the operator chose it, so they should see why it
 * cannot be used, with the nearest colour of the same hue that can.
 */
export function accentColorProblem(color: string): string | undefined {
  if (!hexColor.test(color)) return 'must be a hex colour such as #0b5cad';
  const ratio = contrastWithWhite(color);
  if (ratio < minimumAccentContrast)
    return `has a contrast of ${ratio.toFixed(2)}:1 against white, below the ${minimumAccentContrast}:1 WCAG AA needs for its white button text and its links; ${darkenedToContrast(color).toLowerCase()} is the same hue dark enough`;
  return undefined;
}

/** An absolute https URL without credentials: browsers load it from every page and email, so never plain http. */
export function logoUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not an absolute URL';
  }
  if (parsed.protocol !== 'https:') return 'must use https';
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  if (url.length > 2048) return 'must be at most 2048 characters';
  if (/["'<>\s]/.test(url)) return 'must not contain quotes, angle brackets or spaces';
  return undefined;
}

/** Every problem with a branding, each naming its setting (keys as the caller calls them). */
export function brandingProblems(
  branding: { organizationName: string; logoUrl?: string; accentColor: string },
  keys: { organizationName: string; logoUrl: string; accentColor: string },
): string[] {
  const problems: string[] = [];
  const name = organizationNameProblem(branding.organizationName);
  if (name) problems.push(`${keys.organizationName} "${branding.organizationName}" ${name}.`);
  const logo = branding.logoUrl === undefined ? undefined : logoUrlProblem(branding.logoUrl);
  if (logo) problems.push(`${keys.logoUrl} "${branding.logoUrl}" ${logo}.`);
  const accent = accentColorProblem(branding.accentColor);
  if (accent) problems.push(`${keys.accentColor} "${branding.accentColor}" ${accent}.`);
  return problems;
}

/** Branding as the `BRANDING` environment variable carries it. */
export const brandingEnvironmentValue = (branding: Branding) => JSON.stringify(branding);

/** Reads `BRANDING` (absent: the default branding); a malformed value throws, so the function fails at cold start. */
export function brandingFromEnvironment(value: string | undefined): Branding {
  if (value === undefined || value === '') return defaultBranding;
  const parsed = JSON.parse(value) as Partial<Branding>;
  const branding: Branding = {
    organizationName: String(parsed.organizationName ?? defaultBranding.organizationName),
    ...(typeof parsed.logoUrl === 'string' ? { logoUrl: parsed.logoUrl } : {}),
    accentColor: String(parsed.accentColor ?? defaultAccentColor),
  };
  const problems = brandingProblems(branding, {
    organizationName: 'BRANDING.organizationName',
    logoUrl: 'BRANDING.logoUrl',
    accentColor: 'BRANDING.accentColor',
  });
  if (problems.length > 0) throw new Error(`Invalid function configuration: ${problems.join(' ')}`);
  return branding;
}
