import { companyDomainOf, normalisedCompanyName, prospectKeysOf } from '../../shared/deals/prospect-keys';

describe('normalisedCompanyName', () => {
  it.each([
    ['ACME, Inc.', 'acme'],
    ['Acme', 'acme'],
    ['  acme   INC ', 'acme'],
    ['Société Générale S.A.', 'societe generale'],
    ['Müller GmbH & Co. KG', 'muller'],
    ['Black & Decker', 'black and decker'],
    ['Company', 'company'],
    ['Initech Ltd.', 'initech'],
  ])('%s → %s', (name, normalised) => {
    expect(normalisedCompanyName(name)).toBe(normalised);
  });

  it('keeps apart companies that differ in a distinctive word', () => {
    expect(normalisedCompanyName('Acme Tools Inc')).not.toBe(normalisedCompanyName('Acme Foods Inc'));
  });
});

describe('companyDomainOf', () => {
  it('takes the domain of a company address, lower-cased', () => {
    expect(companyDomainOf('Grace@Prospect.Example')).toBe('prospect.example');
  });

  it('ignores free-mail domains and malformed addresses', () => {
    expect(companyDomainOf('someone@gmail.com')).toBeUndefined();
    expect(companyDomainOf('someone@Outlook.com')).toBeUndefined();
    expect(companyDomainOf('no-at-sign')).toBeUndefined();
  });
});

describe('prospectKeysOf', () => {
  it('gives a company key and a domain key, either when the other is missing', () => {
    expect(prospectKeysOf('Acme Inc', 'a@acme.example')).toEqual([
      { kind: 'company', value: 'acme' },
      { kind: 'domain', value: 'acme.example' },
    ]);
    expect(prospectKeysOf(undefined, 'a@acme.example')).toEqual([{ kind: 'domain', value: 'acme.example' }]);
    expect(prospectKeysOf('Acme', 'a@gmail.com')).toEqual([{ kind: 'company', value: 'acme' }]);
    expect(prospectKeysOf('...', undefined)).toEqual([]);
  });
});
