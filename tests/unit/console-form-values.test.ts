import { consoleSpecsOf } from '../support/console-specs';
import { createBody, editPatch, mergePatch, valuesFromRecord } from '../../console/src/forms/form-values';
import { applyMergePatch } from '../../shared/records/merge-patch';
import * as v from 'valibot';

const specsOf = consoleSpecsOf;

const pcon = 'pcon_00000000-0000-4000-8000-000000000001';

describe('form values and request bodies', () => {
  it('makes a create body the registry accepts, leaving empty inputs out', () => {
    const { module, specs } = specsOf('partner-organizations');
    const values = {
      ...valuesFromRecord(specs, {}),
      '/name': '  Acme Partners ',
      '/phone': '+44 20 7946 0000',
      '/partnerType': 'Reseller',
      '/partnerStatus': 'Active',
      '/primaryContactId': pcon,
      '/billingAddress/city': 'Leeds',
    };
    const body = createBody(specs, values);
    expect(body).toEqual({
      name: 'Acme Partners',
      phone: '+44 20 7946 0000',
      partnerType: 'Reseller',
      partnerStatus: 'Active',
      primaryContactId: pcon,
      billingAddress: { city: 'Leeds' },
    });
    expect(v.safeParse(module.schema, body).success).toBe(true);
  });

  it('sends the portal panel as the registry declares it, components in declared order', () => {
    const { module, specs } = specsOf('contacts');
    const values = {
      ...valuesFromRecord(specs, {}),
      '/lastName': 'Okafor',
      '/email': 'ada@example.com',
      '/portal/enabled': true,
      '/portal/supportStartDate': '2026-12-01',
      '/portal/supportEndDate': '2027-11-30',
      '/portal/username': 'ada.okafor',
      '/portal/canESign': true,
      '/portal/pinReset': true,
      '/portal/components': ['invoices', 'tickets'],
    };
    const body = createBody(specs, values);
    expect(body.portal).toEqual({
      enabled: true,
      supportStartDate: '2026-12-01',
      supportEndDate: '2027-11-30',
      username: 'ada.okafor',
      canESign: true,
      pinReset: true,
      components: ['tickets', 'invoices'],
    });
    expect(v.safeParse(module.schema, body).success).toBe(true);
  });

  it('leaves out a new contact with no portal settings touched (notifications default on stays absent)', () => {
    const { specs } = specsOf('contacts');
    const values = valuesFromRecord(specs, {});
    expect(values['/portal/notifications']).toBe(true);
    expect(values['/portal/enabled']).toBe(false);
    // An untouched box over an absent value writes nothing: absence already means what the box shows.
    expect(createBody(specs, { ...values, '/lastName': 'Ng' })).toEqual({ lastName: 'Ng' });
  });

  it('sends amounts as numbers and drops wholly empty line-item rows', () => {
    const { module, specs } = specsOf('sales-orders');
    const values = {
      ...valuesFromRecord(specs, {}),
      '/subject': 'Licences',
      '/contactId': pcon,
      '/lineItems': [
        { description: 'Seat', quantity: '3', unitPrice: '19.99' },
        { description: '', quantity: '', unitPrice: '' },
      ],
    };
    const body = createBody(specs, values);
    expect(body.lineItems).toEqual([{ description: 'Seat', quantity: 3, unitPrice: 19.99 }]);
    expect(v.safeParse(module.schema, body).success).toBe(true);
  });

  it('keeps text that is not a number as typed, so the refusal names the field', () => {
    const { specs } = specsOf('invoices');
    expect(createBody(specs, { '/subject': 'x', '/total': '12,50' }).total).toBe('12,50');
  });

  it('patches only what an edit changed: opening and saving sends nothing', () => {
    const { specs } = specsOf('contacts');
    const stored = {
      lastName: 'Okafor',
      email: 'ada@example.com',
      mailingAddress: { city: 'Leeds', country: 'UK' },
      portal: { enabled: true, components: ['tickets'] },
      createdAt: '2026-12-01T00:00:00Z',
    };
    const values = valuesFromRecord(specs, stored);
    expect(editPatch(specs, stored, values)).toEqual({});
  });

  it('patches a changed nested field, clears an emptied one with null, and never touches unshown fields', () => {
    const { specs } = specsOf('contacts');
    const stored = {
      lastName: 'Okafor',
      title: 'CTO',
      mailingAddress: { city: 'Leeds', country: 'UK' },
      portal: { enabled: false },
      updatedAt: '2026-12-01T00:00:00Z',
    };
    const values = {
      ...valuesFromRecord(specs, stored),
      '/title': '',
      '/mailingAddress/city': 'York',
      '/portal/enabled': true,
    };
    const patch = editPatch(specs, stored, values);
    expect(patch).toEqual({ title: null, mailingAddress: { city: 'York' }, portal: { enabled: true } });
    expect(applyMergePatch(stored, patch)).toEqual({
      lastName: 'Okafor',
      mailingAddress: { city: 'York', country: 'UK' },
      portal: { enabled: true },
      updatedAt: '2026-12-01T00:00:00Z',
    });
  });

  it('never shows a write-only PIN back, and sends it only when typed', () => {
    const { specs } = specsOf('contacts');
    const stored = { lastName: 'Okafor', portal: { enabled: true } };
    const values = valuesFromRecord(specs, stored);
    expect(values['/portal/pin']).toBe('');
    expect(editPatch(specs, stored, { ...values, '/portal/pin': '4321' })).toEqual({ portal: { pin: '4321' } });
  });

  it('replaces an array whole in a merge patch', () => {
    expect(mergePatch({ a: [1, 2], b: { c: 1 } }, { a: [2], b: { c: 1 } })).toEqual({ a: [2] });
  });
});
