import { flattenSpecs, type FieldSpec } from '../../console/src/forms/field-specs';
import { createBody, valuesFromRecord } from '../../console/src/forms/form-values';
import { modules } from '../../shared/modules/registry';
import { check } from '../../shared/modules/validate';
import { consoleSpecsOf } from '../support/console-specs';

function byPointer(name: string): Map<string, FieldSpec> {
  return new Map(flattenSpecs(consoleSpecsOf(name).specs).map((spec) => [spec.pointer, spec]));
}

describe("field specs from the console's generated module metadata", () => {
  it('gives a partner organization the inputs of the CRM article, Partner Status as a picklist', () => {
    const specs = byPointer('partner-organizations');
    expect(specs.get('/name')).toMatchObject({ kind: 'text', required: true, maxLength: 200, label: 'Name' });
    expect(specs.get('/phone')).toMatchObject({ kind: 'phone', required: false });
    expect(specs.get('/email')?.kind).toBe('email');
    expect(specs.get('/website')?.kind).toBe('url');
    expect(specs.get('/partnerType')).toMatchObject({ kind: 'text', label: 'Type' });
    expect(specs.get('/partnerStatus')).toMatchObject({
      kind: 'picklist',
      label: 'Partner Status',
      options: ['Active', 'Inactive'],
    });
    expect(specs.get('/primaryContactId')).toMatchObject({
      kind: 'reference',
      label: 'Primary Contact',
      referenceModules: ['partner-contacts'],
    });
    expect(specs.get('/billingAddress/street')).toMatchObject({ kind: 'multiline', label: 'Street' });
    expect(specs.get('/billingAddress/postalCode')).toMatchObject({ kind: 'text', label: 'Postal code' });
  });

  it("gives a contact the portal panel's inputs: dates, username, Can eSign, PIN Reset, components, PIN", () => {
    const specs = byPointer('contacts');
    expect(specs.get('/lastName')).toMatchObject({ required: true });
    expect(specs.get('/firstName')).toMatchObject({ required: false });
    expect(specs.get('/portal/enabled')).toMatchObject({ kind: 'checkbox', label: 'Portal user' });
    expect(specs.get('/portal/supportStartDate')?.kind).toBe('date');
    expect(specs.get('/portal/supportEndDate')?.kind).toBe('date');
    expect(specs.get('/portal/username')).toMatchObject({ kind: 'text' });
    expect(specs.get('/portal/canESign')).toMatchObject({ kind: 'checkbox', label: 'Can eSign' });
    expect(specs.get('/portal/pinReset')).toMatchObject({ kind: 'checkbox', label: 'PIN Reset' });
    expect(specs.get('/portal/components')).toMatchObject({
      kind: 'choices',
      options: ['tickets', 'invoices', 'quotes', 'sales-orders', 'documents', 'deal-registrations', 'leads'],
    });
    expect(specs.get('/portal/pin')).toMatchObject({ kind: 'secret' });
    expect(specs.get('/organizationId')).toMatchObject({ kind: 'reference', referenceModules: ['organizations'] });
    expect(specs.get('/mobile')?.kind).toBe('phone');
  });

  it('gives a sales order line items whose cells are addressed relative to their row', () => {
    const specs = byPointer('sales-orders');
    const lines = specs.get('/lineItems');
    expect(lines).toMatchObject({ kind: 'lineItems' });
    expect(lines?.fields?.map((field) => [field.pointer, field.kind])).toEqual([
      ['/description', 'text'],
      ['/quantity', 'quantity'],
      ['/unitPrice', 'money'],
    ]);
    expect(specs.get('/currency')?.kind).toBe('currency');
    expect(specs.get('/contactId')).toMatchObject({
      kind: 'reference',
      referenceModules: ['contacts', 'leads', 'partner-contacts'],
    });
    expect(specs.get('/showOnPortal')).toMatchObject({ kind: 'checkbox', label: 'Show on portal' });
  });

  it('gives every field of every module an input, and a form filled with sample values makes a body the module accepts', () => {
    const samples: Partial<Record<FieldSpec['kind'], string>> = {
      text: 'Sample',
      multiline: 'Line one\nline two',
      email: 'sample@example.com',
      phone: '+44 20 7946 0000',
      url: 'https://example.com',
      date: '2026-12-03',
      currency: 'EUR',
      money: '12.50',
      quantity: '2',
    };
    for (const declaration of modules) {
      const { module, specs } = consoleSpecsOf(declaration.name);
      const leaves = flattenSpecs(specs);
      expect(leaves.length).toBeGreaterThan(0);
      const values: Record<string, unknown> = valuesFromRecord(specs, {});
      for (const spec of leaves) {
        expect(spec.label).not.toBe('');
        if (spec.kind === 'picklist' || spec.kind === 'choices') expect(spec.options?.length).toBeGreaterThan(0);
        if (spec.kind === 'reference') expect(spec.referenceModules?.length).toBeGreaterThan(0);
        // Required text of every kind gets a sample; references stay empty (they need real ids) unless required.
        const sample = samples[spec.kind];
        if (sample && spec.key !== 'username') values[spec.pointer] = sample;
        if (spec.kind === 'picklist') values[spec.pointer] = spec.options?.[0] ?? '';
      }
      // A record only a partner organization can own (a deal registration) links its partner contacts.
      const references = leaves.filter((spec) => spec.kind === 'reference');
      const partnerOnly = references.some((spec) =>
        spec.referenceModules?.every((name) => name.startsWith('partner-')),
      );
      for (const reference of references) {
        const targets = reference.referenceModules ?? [];
        const target = (partnerOnly ? targets.find((name) => name.startsWith('partner-')) : undefined) ?? targets[0];
        const prefix = modules.find((candidate) => candidate.name === target)?.idPrefix;
        values[reference.pointer] = `${prefix}_00000000-0000-4000-8000-000000000001`;
      }
      const body = createBody(specs, values as never);
      const result = check(module.schema, body);
      expect({ module: module.name, issues: 'errors' in result ? result.errors : [] }).toEqual({
        module: module.name,
        issues: [],
      });
    }
  });
});
