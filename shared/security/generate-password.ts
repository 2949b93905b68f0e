import { randomInt } from 'node:crypto';

/**
 * A password from a CSPRNG that meets the pools' policy (shared/security/user-pools.ts): every character class
 * present, ambiguous characters (0/O, 1/l/I) left out so a person can type it from an email.
 */
export function generatePassword(length = 20): string {
  const classes = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=?@^_'];
  const all = classes.join('');
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [...classes.map(pick), ...Array.from({ length: length - classes.length }, () => pick(all))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
