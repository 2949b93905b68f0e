import type { ProspectKeyKind } from '../data/keys';

/**
 * The prospect a deal registration or a lead names, as the keys conflict detection looks it up by: the company's
 * name normalised (case, accents, punctuation and legal-form suffixes dropped, so "ACME, Inc." and "Acme" meet), and
 * the contact email's domain unless it is a free-mail one (two people at gmail.com are not one prospect).
 */

export interface ProspectKey {
  readonly kind: ProspectKeyKind;
  readonly value: string;
}

/** Mail providers anyone can sign up with: their domain names no company. */
export const freeMailDomains: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'outlook.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'zoho.com',
  'fastmail.com',
  'tutanota.com',
  'qq.com',
  '163.com',
  'orange.fr',
  'free.fr',
  't-online.de',
]);

/** Legal forms that do not tell two companies apart, as whole words at the end of a name. */
const legalForms = new Set([
  'inc',
  'incorporated',
  'llc',
  'ltd',
  'limited',
  'plc',
  'corp',
  'corporation',
  'co',
  'company',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'ab',
  'oy',
  'as',
  'kg',
  'pty',
  'llp',
  'lp',
]);

/** "ACME, Inc." → "acme"; "Société Générale S.A." → "societe generale". Empty when nothing distinctive is left. */
export function normalisedCompanyName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // "S.A." and "S.A" are one word once the dots go.
    .replace(/(?<=\b\p{L})\.(?=\p{L}\b)/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  // "GmbH & Co. KG": the connector between legal forms goes with them.
  while (words.length > 1 && (legalForms.has(words[words.length - 1]!) || words[words.length - 1] === 'and')) {
    words.pop();
  }
  return words.join(' ');
}

/** The domain of an email, unless anyone can have an address there. */
export function companyDomainOf(email: string): string | undefined {
  const domain = email.trim().toLowerCase().split('@')[1];
  if (!domain || freeMailDomains.has(domain)) return undefined;
  return domain;
}

/** The keys of a prospect named by a company name and an email (either may be absent). */
export function prospectKeysOf(companyName: unknown, email: unknown): ProspectKey[] {
  const keys: ProspectKey[] = [];
  const company = typeof companyName === 'string' ? normalisedCompanyName(companyName) : '';
  if (company) keys.push({ kind: 'company', value: company });
  const domain = typeof email === 'string' ? companyDomainOf(email) : undefined;
  if (domain) keys.push({ kind: 'domain', value: domain });
  return keys;
}
