import * as v from 'valibot';
import { findModule } from '../../shared/modules/registry';
import { check, validate } from '../../shared/modules/validate';
import { errorsOf } from './support/failures';

/**
 * shared/modules/validate.ts: every problem of a body as a JSON Pointer and a sentence, where valibot alone would stop
 * at an object's first unknown member and take an array for an object.
 */
const schemaOf = (name: string) => findModule(name)!.schema;
const contact = (body: unknown) => errorsOf(() => validate(schemaOf('contacts'), body, 'contact'));
const linked = { contactId: 'con_0b7e1c4e-3f5a-4d8e-9c1b-2a3b4c5d6e7f' };
const ticket = { title: 'Printer', ...linked };

describe('validate', () => {
  it('refuses an array where an object is declared, at the top and inside, and stores nothing of it', () => {
    expect(contact([1, 2])).toEqual([{ path: '/', message: 'must be an object' }]);
    expect(contact([])).toEqual([{ path: '/', message: 'must be an object' }]);
    expect(contact({ lastName: 'Lee', mailingAddress: [] })).toEqual([
      { path: '/mailingAddress', message: 'must be an object' },
    ]);
    expect(contact({ lastName: 'Lee', portal: ['enabled'] })).toEqual([
      { path: '/portal', message: 'must be an object' },
    ]);
    const lines = v.strictObject({ lines: v.array(v.strictObject({ text: v.string() })) });
    expect(check(lines, { lines: [{ text: 'a' }, []] })).toEqual({
      errors: [{ path: '/lines/1', message: 'must be an object' }],
    });
    // Beside the other problems of the same body, not instead of them.
    expect(contact({ lastName: '', mailingAddress: [] })).toEqual([
      { path: '/mailingAddress', message: 'must be an object' },
      { path: '/lastName', message: 'must not be empty' },
    ]);
  });

  it('names every unknown member, at any depth, not only the first', () => {
    expect(contact({ lastName: 'Lee', nickname: 'L', shoeSize: 42 })).toEqual([
      { path: '/nickname', message: 'unknown field' },
      { path: '/shoeSize', message: 'unknown field' },
    ]);
    expect(contact({ lastName: 'Lee', mailingAddress: { city: 'Oslo', planet: 'Earth', moon: 1 } })).toEqual([
      { path: '/mailingAddress/planet', message: 'unknown field' },
      { path: '/mailingAddress/moon', message: 'unknown field' },
    ]);
  });

  it('says what to fix in our sentences', () => {
    expect(contact({})).toEqual([{ path: '/lastName', message: 'required' }]);
    expect(contact({ lastName: 42 })).toEqual([{ path: '/lastName', message: 'must be a string' }]);
    expect(contact({ lastName: 'x'.repeat(101) })).toEqual([
      { path: '/lastName', message: 'must be at most 100 characters' },
    ]);
    expect(contact({ lastName: 'Lee', emailOptOut: 'yes' })).toEqual([
      { path: '/emailOptOut', message: 'must be a boolean' },
    ]);
    expect(contact({ lastName: 'Lee', portal: { components: ['tickets', 'games'] } })).toEqual([
      {
        path: '/portal/components/1',
        message: 'must be one of: tickets, invoices, quotes, sales-orders, documents, deal-registrations, leads',
      },
    ]);
    expect(errorsOf(() => validate(schemaOf('tickets'), { ...ticket, priority: 'Soon', status: 3 }, 'ticket'))).toEqual(
      [
        { path: '/status', message: 'must be one of: Open, In Progress, Wait For Response, Closed' },
        { path: '/priority', message: 'must be one of: Low, Normal, High, Urgent' },
      ],
    );
    const order = (line: unknown) =>
      errorsOf(() => validate(schemaOf('sales-orders'), { subject: 'S', ...linked, lineItems: [line] }, 'order'));
    expect(order({ description: 'd', quantity: 0, unitPrice: -1 })).toEqual([
      { path: '/lineItems/0/quantity', message: 'must be more than 0' },
      { path: '/lineItems/0/unitPrice', message: 'must be at least 0' },
    ]);
    expect(order({ description: 'd', quantity: 1, unitPrice: 1e13 })).toEqual([
      { path: '/lineItems/0/unitPrice', message: 'must be at most 1000000000000' },
      { path: '/lineItems', message: 'the lines must not total more than 1000000000000' },
    ]);
  });

  it("keeps a schema's own message", () => {
    expect(contact({ lastName: 'Lee', phone: 'call me!' })).toEqual([
      { path: '/phone', message: 'a phone number uses digits, spaces and + ( ) - . / # * ,' },
    ]);
    expect(
      contact({ lastName: 'Lee', portal: { supportStartDate: '2026-02-01', supportEndDate: '2026-01-01' } }),
    ).toEqual([{ path: '/portal/supportEndDate', message: 'must not be before supportStartDate' }]);
  });

  it('gives the parsed value: trimmed, lower-cased, unknown nothing', () => {
    expect(validate(schemaOf('contacts'), { lastName: '  Lee ', email: ' Ada@Example.COM' }, 'contact')).toEqual({
      lastName: 'Lee',
      email: 'ada@example.com',
    });
  });
});
