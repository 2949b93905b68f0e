import * as z from 'zod/mini';
import {
  fieldSpecs,
  flattenSpecs,
  labelOf,
  type FieldSpec,
  type JsonSchema,
} from '../../console/src/forms/field-specs';
import { findModule, modules } from '../../shared/modules/registry';

/** The input JSON Schema of a module, as the OpenAPI document publishes it. */
function inputSchema(name: string): JsonSchema {
  const module = findModule(name);
  if (!module) throw new Error(`no module ${name}`);
  return z.toJSONSchema(module.schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function byPointer(specs: readonly FieldSpec[]): Map<string, FieldSpec> {
  return new Map(flattenSpecs(specs).map((spec) => [spec.pointer, spec]));
}

describe('field specs from the module registry', () => {
  it('gives a partner organization the inputs of the CRM article, Partner Status as a picklist', () => {
    const specs = byPointer(fieldSpecs(inputSchema('partner-organizations')));
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
      referencePrefixes: ['pcon'],
    });
    expect(specs.get('/billingAddress/street')).toMatchObject({ kind: 'multiline', label: 'Street' });
    expect(specs.get('/billingAddress/postalCode')).toMatchObject({ kind: 'text', label: 'Postal code' });
  });

  it("gives a contact the portal panel's inputs: dates, username, Can eSign, PIN Reset, components, PIN", () => {
    const specs = byPointer(fieldSpecs(inputSchema('contacts')));
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
      options: ['tickets', 'invoices', 'quotes', 'sales-orders', 'documents'],
    });
    expect(specs.get('/portal/pin')).toMatchObject({ kind: 'secret' });
    expect(specs.get('/organizationId')).toMatchObject({ kind: 'reference', referencePrefixes: ['org'] });
    expect(specs.get('/mobile')?.kind).toBe('phone');
  });

  it('gives a sales order line items whose cells are addressed relative to their row', () => {
    const specs = byPointer(fieldSpecs(inputSchema('sales-orders')));
    const lines = specs.get('/lineItems');
    expect(lines).toMatchObject({ kind: 'lineItems', maxItems: 200 });
    expect(lines?.fields?.map((field) => [field.pointer, field.kind])).toEqual([
      ['/description', 'text'],
      ['/quantity', 'quantity'],
      ['/unitPrice', 'money'],
    ]);
    expect(specs.get('/currency')?.kind).toBe('currency');
    expect(specs.get('/contactId')).toMatchObject({ kind: 'reference', referencePrefixes: ['con', 'lead', 'pcon'] });
    expect(specs.get('/showOnPortal')).toMatchObject({ kind: 'checkbox', label: 'Show on portal' });
  });

  it('gives every field of every module an input, so a new module needs no screen code', () => {
    for (const module of modules) {
      const specs = flattenSpecs(fieldSpecs(inputSchema(module.name)));
      expect(specs.length).toBeGreaterThan(0);
      for (const spec of specs) {
        expect(spec.label).not.toBe('');
        if (spec.kind === 'picklist' || spec.kind === 'choices') expect(spec.options?.length).toBeGreaterThan(0);
        if (spec.kind === 'reference') expect(spec.referencePrefixes?.length).toBeGreaterThan(0);
      }
    }
  });

  it('labels a new field from its name', () => {
    expect(labelOf('renewalDate')).toBe('Renewal date');
    expect(labelOf('x')).toBe('X');
  });
});
