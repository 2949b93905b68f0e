import { readFileSync } from 'node:fs';
import { consoleMetaFile, consoleModuleMeta, fieldLabel, renderConsoleMeta } from '../../scripts/console-meta';
import { modules } from '../../shared/modules/registry';
import { entriesOf } from '../../shared/modules/validate';

const meta = consoleModuleMeta();
const moduleNamed = (name: string) => meta.find((module) => module.name === name)!;
const fieldNamed = (module: string, name: string) => moduleNamed(module).fields.find((field) => field.name === name)!;

describe('console/src/generated/module-meta.ts', () => {
  it('is what the registry makes of it now (run `npm run console:meta` after a registry change)', () => {
    expect(readFileSync(consoleMetaFile, 'utf8')).toBe(renderConsoleMeta());
  });

  it('has every module of the registry, in its order, with every field staff may write', () => {
    expect(meta.map((module) => module.name)).toEqual(modules.map((module) => module.name));
    for (const module of modules) {
      const shape = Object.keys(entriesOf(module.schema));
      expect(moduleNamed(module.name).fields.map((field) => field.name)).toEqual(shape);
      expect(moduleNamed(module.name).filters).toEqual(module.filters);
    }
  });

  it('gives each field the input its values need', () => {
    expect(fieldNamed('contacts', 'lastName')).toMatchObject({ type: 'text', required: true, maxLength: 100 });
    expect(fieldNamed('contacts', 'firstName')).toMatchObject({ type: 'text', required: false });
    expect(fieldNamed('contacts', 'email')).toMatchObject({ type: 'email' });
    expect(fieldNamed('contacts', 'phone')).toMatchObject({ type: 'phone' });
    expect(fieldNamed('organizations', 'website')).toMatchObject({ type: 'url' });
    expect(fieldNamed('tickets', 'description')).toMatchObject({ type: 'multiline' });
    expect(fieldNamed('tickets', 'title')).toMatchObject({ type: 'text' });
    expect(fieldNamed('tickets', 'priority')).toMatchObject({
      type: 'picklist',
      values: ['Low', 'Normal', 'High', 'Urgent'],
    });
    expect(fieldNamed('invoices', 'total')).toMatchObject({ type: 'money' });
    expect(fieldNamed('invoices', 'dueDate')).toMatchObject({ type: 'date' });
    expect(fieldNamed('invoices', 'currency')).toMatchObject({ type: 'currency' });
    expect(fieldNamed('partner-organizations', 'partnerStatus')).toMatchObject({
      type: 'picklist',
      values: ['Active', 'Inactive'],
    });
    expect(fieldNamed('partner-organizations', 'primaryContactId')).toMatchObject({
      type: 'reference',
      label: 'Primary contact',
      modules: ['partner-contacts'],
    });
    expect(fieldNamed('tickets', 'contactId')).toMatchObject({
      type: 'reference',
      modules: ['contacts', 'leads', 'partner-contacts'],
    });
    expect(fieldNamed('organizations', 'billingAddress').type).toBe('address');
    expect(fieldNamed('organizations', 'billingAddress').fields?.find((f) => f.name === 'street')?.type).toBe(
      'multiline',
    );
    const lineItems = fieldNamed('sales-orders', 'lineItems');
    expect(lineItems.type).toBe('line-items');
    expect(lineItems.fields?.map((field) => `${field.name}:${field.type}`)).toEqual([
      'description:text',
      'quantity:number',
      'unitPrice:money',
    ]);
  });

  it("describes a person's portal settings as the CRM's Customer Portal Information panel", () => {
    const portal = fieldNamed('contacts', 'portal');
    expect(portal).toMatchObject({ type: 'group', label: 'Customer portal information' });
    expect(portal.fields?.map((field) => `${field.label}:${field.type}`)).toEqual([
      'Portal user:boolean',
      'Username:text',
      'Support start date:date',
      'Support end date:date',
      'Can eSign:boolean',
      'PIN reset:boolean',
      'Components:multi-picklist',
      'Notifications:boolean',
      'PIN:text',
    ]);
    expect(portal.fields?.find((field) => field.name === 'components')?.values).toEqual([
      'tickets',
      'invoices',
      'quotes',
      'sales-orders',
      'documents',
      'deal-registrations',
      'leads',
    ]);
  });

  it("names each module's related records, and the columns its list shows", () => {
    expect(moduleNamed('contacts').related).toEqual(
      ['tickets', 'invoices', 'quotes', 'sales-orders', 'documents', 'deal-registrations'].map((module) => ({
        module,
        field: 'contactId',
      })),
    );
    expect(moduleNamed('partner-organizations').related.map((related) => related.module)).toContain('partner-contacts');
    // A partner organization's primary contact belongs to it; it is not a related list.
    expect(moduleNamed('partner-contacts').related).not.toContainEqual({
      module: 'partner-organizations',
      field: 'primaryContactId',
    });
    expect(moduleNamed('sales-orders').listColumns).toEqual(['subject', 'status', 'total', 'showOnPortal']);
    expect(moduleNamed('partner-organizations').pluralLabel).toBe('Partner organizations');
  });

  it('labels fields in sentence case, without the id suffix', () => {
    expect(fieldLabel('organizationId')).toBe('Organization');
    expect(fieldLabel('supportStartDate')).toBe('Support start date');
    expect(fieldLabel('canESign')).toBe('Can eSign');
  });
});
