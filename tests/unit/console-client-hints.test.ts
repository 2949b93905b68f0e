import { checkForm, checkValue } from '../../console/src/forms/client-hints';
import { flattenSpecs } from '../../console/src/forms/field-specs';
import { consoleSpecsOf } from '../support/console-specs';
import { createBody } from '../../console/src/forms/form-values';
import * as v from 'valibot';

const specsOf = consoleSpecsOf;

function spec(module: string, pointer: string) {
  const found = flattenSpecs(specsOf(module).specs).find((candidate) => candidate.pointer === pointer);
  if (!found) throw new Error(pointer);
  return found;
}

describe('client hints', () => {
  it('names a missing required field in a sentence, beside its pointer', () => {
    const { specs } = specsOf('contacts');
    expect(checkForm(specs, { '/lastName': '  ' })).toEqual([{ path: '/lastName', message: 'Last name is required.' }]);
  });

  it.each([
    ['partner-organizations', '/phone', 'call me!', 'Use digits, spaces and + ( ) - . / # * , only.'],
    ['partner-organizations', '/phone', '+44 20 7946 0000', undefined],
    ['contacts', '/email', 'ada@', 'Enter an email address such as name@example.com.'],
    [
      'contacts',
      '/portal/username',
      'ab',
      'Use 3 to 64 letters, digits, dots, dashes or underscores, with at least one letter.',
    ],
    ['contacts', '/portal/username', 'Ada.Okafor', undefined],
    ['contacts', '/portal/pin', '12a4', 'Use 4 to 8 digits.'],
    ['contacts', '/portal/supportStartDate', '2026-13-01', 'Enter a date as YYYY-MM-DD.'],
    ['invoices', '/total', '12.345', 'Total takes at most 2 decimals.'],
    ['invoices', '/total', '-1', 'Total must be at least 0.'],
    ['invoices', '/total', 'ten', 'Total must be a number.'],
    ['invoices', '/currency', 'eur', 'Use a three-letter currency code such as EUR.'],
    ['documents', '/url', 'ftp://x.example', 'Enter a web address starting with http:// or https://.'],
  ])('%s %s %j → %j', (module, pointer, typed, message) => {
    expect(checkValue(spec(module, pointer), typed)).toBe(message);
  });

  it('checks line-item cells by row, ignoring empty rows', () => {
    const { specs } = specsOf('sales-orders');
    const errors = checkForm(specs, {
      '/subject': 'Licences',
      '/lineItems': [
        { description: 'Seat', quantity: '0', unitPrice: '10' },
        { description: '', quantity: '', unitPrice: '' },
        { description: '', quantity: '1', unitPrice: '1.001' },
      ],
    });
    expect(errors).toEqual([
      { path: '/lineItems/0/quantity', message: 'Quantity must be more than 0.' },
      { path: '/lineItems/2/description', message: 'Description is required.' },
      { path: '/lineItems/2/unitPrice', message: 'Unit price takes at most 2 decimals.' },
    ]);
  });

  it('refuses a support window that ends before it starts, as the API does', () => {
    const { specs } = specsOf('contacts');
    const values = {
      '/lastName': 'Ng',
      '/portal/supportStartDate': '2026-12-10',
      '/portal/supportEndDate': '2026-12-01',
    };
    expect(checkForm(specs, values)).toEqual([
      { path: '/portal/supportEndDate', message: 'Support end date must not be before the start date.' },
    ]);
  });

  it('passes what the API accepts: no hint for a body the registry validates', () => {
    const { module, specs } = specsOf('partner-organizations');
    const values = {
      '/name': 'Acme',
      '/partnerStatus': 'Active',
      '/email': 'a@acme.example',
      '/website': 'https://acme.example',
    };
    expect(checkForm(specs, values)).toEqual([]);
    expect(v.safeParse(module.schema, createBody(specs, values)).success).toBe(true);
  });
});
