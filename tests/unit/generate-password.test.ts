import fc from 'fast-check';
import { generatePassword } from '../../shared/security/generate-password';
import { userPools } from '../../shared/security/user-pools';

describe('generatePassword', () => {
  it('always meets the pool policy: length and every character class', () => {
    fc.assert(
      fc.property(fc.integer({ min: userPools.staff.passwordMinLength, max: 64 }), (length) => {
        const password = generatePassword(length);
        expect(password).toHaveLength(length);
        expect(password).toMatch(/[A-Z]/);
        expect(password).toMatch(/[a-z]/);
        expect(password).toMatch(/[0-9]/);
        expect(password).toMatch(/[^A-Za-z0-9]/);
      }),
    );
  });

  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generatePassword()));
    expect(seen.size).toBe(200);
  });
});
