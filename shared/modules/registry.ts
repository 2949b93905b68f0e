import { signatureAfterEdit, type Signature } from './sales-order-content';
import { decisionAfterEdit, type QuoteDecision } from './quote-content';
import * as v from 'valibot';
import {
  address,
  choice,
  currency,
  date,
  email,
  maxMoney,
  money,
  multilineText,
  phone,
  quantity,
  reference,
  text,
  website,
} from './fields';
import { idPrefixes, portalComponentNames, type ModuleName } from './module-names';
import type { Schema } from './validate';

/**
 * The module registry: every CRM module declared once — its fields, id prefix, references, filters and
 * whether the portal shows it. Routes, validation, storage keys and the OpenAPI document derive from it;
 * a new module is one more entry here.
 */

// The module names and id prefixes are ./module-names.ts (free of schemas, for code that needs only those).
export {
  defaultPortalComponents,
  idPrefixes,
  portalComponentNames,
  portalModuleNames,
  type ModuleName,
  type PortalComponentName,
  type PortalModuleName,
} from './module-names';

/** A reference field to records of `targets`. */
const referenceTo = (targets: readonly ModuleName[]) => reference(targets.map((name) => idPrefixes[name]));

export type ModuleKind = 'organization' | 'person' | 'record';
export type ReferenceField = 'organizationId' | 'contactId' | 'primaryContactId' | 'assignedPartnerId';
/** List filters; each is served by an index (docs/data-model.md). */
export type FilterName = 'organizationId' | 'contactId' | 'email';

export interface ReferenceDeclaration {
  readonly field: ReferenceField;
  /** Modules the referenced id may belong to. */
  readonly modules: readonly ModuleName[];
  /** The referenced organization counts this link, and cannot be deleted while it has any. */
  readonly counted: boolean;
  /** The referenced person must belong to the record being written (a partner organization's primary contact). */
  readonly belongsToThisRecord?: boolean;
}

/**
 * A record created in the same request as this one, inside its create body (a partner organization's new primary
 * contact): both are written in one transaction, each naming the other, or neither is.
 */
export interface InlineCreateDeclaration {
  /** The member of the create body that holds the new record's fields: `primaryContact`. */
  readonly field: string;
  readonly module: ModuleName;
  /** This record's reference to the new one: `primaryContactId`. */
  readonly reference: ReferenceField;
  /** The new record's reference back to this one, set by the server: `organizationId`. */
  readonly backReference: ReferenceField;
}

export interface ModuleDeclaration {
  readonly name: ModuleName;
  /** Singular, for messages: "organization". */
  readonly label: string;
  readonly idPrefix: string;
  readonly kind: ModuleKind;
  /** The fields staff may write; strict (unknown fields are refused). */
  readonly schema: Schema<Record<string, unknown>>;
  /** Values a new record gets when the request leaves them out. */
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly references: readonly ReferenceDeclaration[];
  readonly filters: readonly FilterName[];
  /**
   * What `GET /<module>?q=` finds a record by (shared/records/search-terms.ts): each entry a field, or fields joined
   * by a space (first and last name); a prefix of any of them, in any case, with or without accents.
   */
  readonly searchTerms: readonly (readonly string[])[];
  /** `POST /<module>` may also create one record this one references (shared/records/record-service.ts). */
  readonly createsWith?: InlineCreateDeclaration;
  readonly portalVisible: boolean;
  /** For portal-visible modules: the fields the portal web app lists, in order (the detail view shows all). */
  readonly portalColumns?: readonly string[];
  /**
   * A field naming the partner organization a record is assigned to (a lead's `assignedPartnerId`): that
   * organization finds it in its portal partition of this module (gsi4), whatever `portalVisible` says.
   */
  readonly portalAssignmentField?: string;
  /** Fields computed from the others on every write (read-only to clients). */
  readonly derive?: (fields: Record<string, unknown>) => Record<string, unknown>;
  /**
   * Fields only the server writes (a sales order's signature): never accepted from staff, kept across their
   * edits, and recomputed by `onStaffEdit` from the edited record.
   */
  readonly serverOwned?: readonly string[];
  readonly onStaffEdit?: (
    stored: Record<string, unknown>,
    edited: Record<string, unknown>,
    at: string,
  ) => Record<string, unknown>;
}

/**
 * A module as declared below: its schema as the function that builds it. A schema's whole tree is built when it is
 * constructed, and a function validates at most the modules its requests write, so each schema is built on
 * first use (and then kept), not for every module at every cold start; readers see `schema` as a plain property.
 */
type ModuleEntry = Omit<ModuleDeclaration, 'schema'> & { readonly schema: () => ModuleDeclaration['schema'] };

function withLazySchema({ schema: build, ...entry }: ModuleEntry): ModuleDeclaration {
  let built: ModuleDeclaration['schema'] | undefined;
  return Object.defineProperty(entry, 'schema', {
    enumerable: true,
    get: () => (built ??= build()),
  }) as ModuleDeclaration;
}

/** An object's schema as a rule over the whole object sees it (its members' types are checked by then). */
type ObjectSchema = Schema<Record<string, unknown>>;

/** A rule over a whole object (a record, portal settings), reported at one of its fields. */
const objectRule = (rule: (object: Record<string, unknown>) => boolean, message: string, field: string) =>
  v.forward<Record<string, unknown>, v.CheckIssue<Record<string, unknown>>, [string]>(v.check(rule, message), [field]);

const organizationFields = () => ({
  name: text(200),
  phone: v.optional(phone()),
  email: v.optional(email()),
  website: v.optional(website()),
  billingAddress: v.optional(address()),
});

const portalSettings = (partner: boolean) =>
  v.pipe(
    v.strictObject({
      enabled: v.optional(v.boolean()),
      username: v.optional(
        v.pipe(
          v.string(),
          v.trim(),
          v.toLowerCase(),
          // Cognito refuses a preferred_username that looks like an email or a phone number.
          v.regex(
            /^(?=.*[a-z])[a-z0-9._-]{3,64}$/,
            '3 to 64 letters, digits, dots, dashes or underscores, with at least one letter',
          ),
        ),
      ),
      supportStartDate: v.optional(date()),
      supportEndDate: v.optional(date()),
      canESign: v.optional(v.boolean()),
      pinReset: v.optional(v.boolean()),
      components: v.optional(
        v.pipe(
          v.array(v.picklist(portalComponentNames)),
          v.check((list) => new Set(list).size === list.length, 'no duplicates'),
        ),
      ),
      /** Emails about the person's portal records (shared/notifications); absent means on. Access emails always go. */
      notifications: v.optional(v.boolean()),
      /** Write-only: stored as a salted hash, never returned. */
      pin: v.optional(v.pipe(v.string(), v.regex(/^\d{4,8}$/, '4 to 8 digits'))),
      // A partner admin manages colleagues of their own partner organization (shared/partners); set by staff only.
      ...(partner ? { partnerAdmin: v.optional(v.boolean()) } : {}),
    }) as ObjectSchema,
    objectRule(
      (portal) =>
        typeof portal.supportStartDate !== 'string' ||
        typeof portal.supportEndDate !== 'string' ||
        portal.supportEndDate >= portal.supportStartDate,
      'must not be before supportStartDate',
      'supportEndDate',
    ),
  );

/** A person's contact details: the fields a person may also change themself on the portal (PATCH /portal/me). */
export const personContactFields = () => ({
  phone: v.optional(phone()),
  mobile: v.optional(phone()),
  mailingAddress: v.optional(address()),
});

const personFields = (partner = false) => ({
  firstName: v.optional(text(100)),
  lastName: text(100),
  email: v.optional(email()),
  ...personContactFields(),
  title: v.optional(text(100)),
  emailOptOut: v.optional(v.boolean()),
  portal: v.optional(portalSettings(partner)),
});

/**
 * The key a CSV import matched the record by (shared/imports): set by imports only, kept across staff edits, so the
 * next import of the same file finds the record again.
 */
const importedExternalId = {
  serverOwned: ['externalId'],
  onStaffEdit: (stored: Record<string, unknown>) => ({ externalId: stored.externalId }),
} as const;

const people: readonly ModuleName[] = ['contacts', 'leads', 'partner-contacts'];
/** A person is found by first name, last name, "first last" and email. */
const personSearchTerms = [['firstName'], ['lastName'], ['email'], ['firstName', 'lastName']] as const;
const organizations: readonly ModuleName[] = ['organizations', 'partner-organizations'];

/** Portal records hang off a person, an organization, or both; at least one. */
const portalRecord = <T extends v.ObjectEntries>(fields: T) =>
  v.pipe(
    v.strictObject({
      contactId: v.optional(referenceTo(people)),
      organizationId: v.optional(referenceTo(organizations)),
      showOnPortal: v.optional(v.boolean()),
      ...fields,
    }) as ObjectSchema,
    objectRule(
      (record) => Boolean(record.contactId || record.organizationId),
      'a record needs a contactId, an organizationId, or both',
      'contactId',
    ),
    // Portal visibility follows the organization for partners: their records must not name a customer.
    objectRule(
      (record) =>
        !(
          typeof record.organizationId === 'string' &&
          record.organizationId.startsWith(`${idPrefixes['partner-organizations']}_`) &&
          typeof record.contactId === 'string' &&
          !record.contactId.startsWith(`${idPrefixes['partner-contacts']}_`)
        ),
      "a partner organization's records can be linked only to its partner contacts",
      'organizationId',
    ),
  );

const recordReferences: readonly ReferenceDeclaration[] = [
  { field: 'contactId', modules: people, counted: false },
  { field: 'organizationId', modules: organizations, counted: true },
];
const recordDefaults = { showOnPortal: false };
const recordFilters: readonly FilterName[] = ['contactId', 'organizationId'];

/** A ticket's fields; the portal's "raise a ticket" form takes title, description and priority from here. */
export const ticketFields = () => ({
  title: text(200),
  description: v.optional(multilineText(10_000)),
  status: v.optional(choice(['Open', 'In Progress', 'Wait For Response', 'Closed'])),
  priority: v.optional(choice(['Low', 'Normal', 'High', 'Urgent'])),
});

export const dealRegistrationStatuses = ['submitted', 'approved', 'rejected', 'expired'] as const;

/** What a partner registers (POST /portal/deal-registrations takes exactly these). */
export const dealRegistrationFields = () => ({
  companyName: text(200),
  contactName: text(200),
  contactEmail: email(),
  estimatedValue: money(),
  currency: currency(),
  expectedCloseDate: date(),
  description: v.optional(multilineText(10_000)),
});

const dealRegistrationSchema = () =>
  v.pipe(
    portalRecord({
      // Registrations are a partner organization's: that is who sees them and gets the lead.
      organizationId: referenceTo(['partner-organizations']),
      ...dealRegistrationFields(),
      status: v.optional(choice(dealRegistrationStatuses)),
      // The lead an approval links (staff may name an existing one before approving); else approval creates one.
      leadId: v.optional(referenceTo(['leads'])),
      // Why it was rejected; the partner sees it.
      reason: v.optional(multilineText(2_000)),
    }) as ObjectSchema,
    objectRule(
      (record) => record.status !== 'rejected' || typeof record.reason === 'string',
      'a rejection needs a reason',
      'reason',
    ),
  );

/** Totals in cents: summing floating-point amounts would drift. */
export function salesOrderTotal(lineItems: readonly { quantity: number; unitPrice: number }[]): number {
  const cents = lineItems.reduce((sum, line) => sum + Math.round(line.quantity * line.unitPrice * 100), 0);
  return cents / 100;
}

const declaredModules: readonly ModuleEntry[] = [
  {
    name: 'organizations',
    label: 'organization',
    idPrefix: idPrefixes['organizations'],
    kind: 'organization',
    schema: () => v.strictObject({ ...organizationFields(), industry: v.optional(text(100)) }),
    defaults: {},
    references: [],
    filters: [],
    searchTerms: [['name'], ['email']],
    portalVisible: false,
    ...importedExternalId,
  },
  {
    name: 'partner-organizations',
    label: 'partner organization',
    idPrefix: idPrefixes['partner-organizations'],
    kind: 'organization',
    schema: () =>
      v.strictObject({
        ...organizationFields(),
        partnerType: v.optional(text(100)),
        partnerStatus: v.optional(choice(['Active', 'Inactive'])),
        primaryContactId: v.optional(referenceTo(['partner-contacts'])),
      }),
    defaults: { partnerStatus: 'Inactive' },
    references: [
      { field: 'primaryContactId', modules: ['partner-contacts'], counted: false, belongsToThisRecord: true },
    ],
    createsWith: {
      field: 'primaryContact',
      module: 'partner-contacts',
      reference: 'primaryContactId',
      backReference: 'organizationId',
    },
    filters: [],
    searchTerms: [['name'], ['email']],
    portalVisible: false,
    ...importedExternalId,
  },
  {
    name: 'contacts',
    label: 'contact',
    idPrefix: idPrefixes['contacts'],
    kind: 'person',
    schema: () => v.strictObject({ ...personFields(), organizationId: v.optional(referenceTo(['organizations'])) }),
    defaults: {},
    references: [{ field: 'organizationId', modules: ['organizations'], counted: true }],
    filters: ['organizationId', 'email'],
    searchTerms: personSearchTerms,
    portalVisible: false,
    ...importedExternalId,
  },
  {
    name: 'leads',
    label: 'lead',
    idPrefix: idPrefixes['leads'],
    kind: 'person',
    schema: () =>
      v.strictObject({
        ...personFields(),
        company: v.optional(text(200)),
        // The partner organization working the lead: it sees the lead's shared fields on its portal.
        assignedPartnerId: v.optional(referenceTo(['partner-organizations'])),
      }),
    defaults: {},
    references: [{ field: 'assignedPartnerId', modules: ['partner-organizations'], counted: false }],
    filters: ['email'],
    searchTerms: [...personSearchTerms, ['company']],
    portalVisible: false,
    portalAssignmentField: 'assignedPartnerId',
    // Set by an approved deal registration (shared/deals/deal-review.ts) and by the partner (partner-leads.ts).
    // …and its import key by CSV imports (importedExternalId).
    serverOwned: ['dealRegistrationId', 'protectedUntil', 'partnerDecision', 'partnerStage', 'externalId'],
    onStaffEdit: (stored, edited) => ({
      ...importedExternalId.onStaffEdit(stored),
      // A lead passed to another partner (or back to the vendor) starts afresh: the last partner's answer was theirs.
      ...(edited.assignedPartnerId === stored.assignedPartnerId
        ? {
            dealRegistrationId: stored.dealRegistrationId,
            protectedUntil: stored.protectedUntil,
            partnerDecision: stored.partnerDecision,
            partnerStage: stored.partnerStage,
          }
        : { dealRegistrationId: stored.dealRegistrationId }),
    }),
  },
  {
    name: 'partner-contacts',
    label: 'partner contact',
    idPrefix: idPrefixes['partner-contacts'],
    kind: 'person',
    schema: () => v.strictObject({ ...personFields(true), organizationId: referenceTo(['partner-organizations']) }),
    defaults: {},
    references: [{ field: 'organizationId', modules: ['partner-organizations'], counted: true }],
    filters: ['organizationId', 'email'],
    searchTerms: personSearchTerms,
    portalVisible: false,
    ...importedExternalId,
  },
  {
    name: 'tickets',
    label: 'ticket',
    idPrefix: idPrefixes['tickets'],
    kind: 'record',
    schema: () => portalRecord(ticketFields()),
    defaults: recordDefaults,
    references: recordReferences,
    filters: recordFilters,
    searchTerms: [['title']],
    portalVisible: true,
    portalColumns: ['title', 'status', 'priority', 'updatedAt'],
    // Set by the portal (shared/tickets/portal-tickets.ts) and the conversation (shared/tickets/ticket-comments.ts).
    serverOwned: ['source', 'awaitingReply', 'lastCommentAt'],
    onStaffEdit: (stored) => ({
      source: stored.source,
      awaitingReply: stored.awaitingReply,
      lastCommentAt: stored.lastCommentAt,
    }),
  },
  {
    name: 'invoices',
    label: 'invoice',
    idPrefix: idPrefixes['invoices'],
    kind: 'record',
    schema: () =>
      portalRecord({
        subject: text(200),
        invoiceNumber: v.optional(text(50)),
        status: v.optional(choice(['Created', 'Approved', 'Sent', 'Paid', 'Cancelled'])),
        dueDate: v.optional(date()),
        currency: v.optional(currency()),
        total: v.optional(money()),
      }),
    defaults: recordDefaults,
    references: recordReferences,
    filters: recordFilters,
    searchTerms: [['subject'], ['invoiceNumber']],
    portalVisible: true,
    portalColumns: ['subject', 'invoiceNumber', 'status', 'dueDate', 'total'],
  },
  {
    name: 'quotes',
    label: 'quote',
    idPrefix: idPrefixes['quotes'],
    kind: 'record',
    schema: () =>
      portalRecord({
        subject: text(200),
        status: v.optional(choice(['Created', 'Delivered', 'Reviewed', 'Accepted', 'Rejected'])),
        validUntil: v.optional(date()),
        currency: v.optional(currency()),
        total: v.optional(money()),
      }),
    defaults: recordDefaults,
    references: recordReferences,
    filters: recordFilters,
    searchTerms: [['subject']],
    portalVisible: true,
    portalColumns: ['subject', 'status', 'validUntil', 'total'],
    serverOwned: ['decision'],
    onStaffEdit: (stored, edited, at) => ({
      decision: decisionAfterEdit(stored.decision as QuoteDecision | undefined, edited, at),
    }),
  },
  {
    name: 'sales-orders',
    label: 'sales order',
    idPrefix: idPrefixes['sales-orders'],
    kind: 'record',
    schema: () =>
      portalRecord({
        subject: text(200),
        status: v.optional(choice(['Created', 'Approved', 'Delivered', 'Cancelled'])),
        currency: v.optional(currency()),
        lineItems: v.optional(
          v.pipe(
            v.array(v.strictObject({ description: text(500), quantity: quantity(), unitPrice: money() })),
            v.maxLength(200),
            v.check(
              (lines) => lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0) <= maxMoney,
              `the lines must not total more than ${maxMoney}`,
            ),
          ),
        ),
      }),
    defaults: { ...recordDefaults, lineItems: [] },
    references: recordReferences,
    filters: recordFilters,
    searchTerms: [['subject']],
    portalVisible: true,
    portalColumns: ['subject', 'status', 'total', 'signature'],
    derive: (fields) => ({
      total: salesOrderTotal((fields.lineItems ?? []) as { quantity: number; unitPrice: number }[]),
    }),
    serverOwned: ['signature'],
    onStaffEdit: (stored, edited, at) => ({
      signature: signatureAfterEdit(stored.signature as Signature | undefined, edited, at),
    }),
  },
  {
    name: 'documents',
    label: 'document',
    idPrefix: idPrefixes['documents'],
    kind: 'record',
    schema: () =>
      portalRecord({
        title: text(200),
        description: v.optional(multilineText(10_000)),
        url: v.optional(website()),
      }),
    defaults: recordDefaults,
    references: recordReferences,
    filters: recordFilters,
    searchTerms: [['title']],
    portalVisible: true,
    portalColumns: ['title', 'updatedAt'],
  },
  {
    name: 'deal-registrations',
    label: 'deal registration',
    idPrefix: idPrefixes['deal-registrations'],
    kind: 'record',
    schema: () => dealRegistrationSchema(),
    defaults: { ...recordDefaults, status: 'submitted' },
    references: recordReferences,
    filters: recordFilters,
    searchTerms: [['companyName'], ['contactName'], ['contactEmail']],
    portalVisible: true,
    portalColumns: ['companyName', 'estimatedValue', 'status', 'expectedCloseDate'],
    // Written by the review (shared/deals/deal-review.ts) and the conflict check (shared/deals/prospect-conflicts.ts).
    serverOwned: ['protectedUntil', 'conflicts', 'decidedAt'],
    onStaffEdit: (stored) => ({
      protectedUntil: stored.protectedUntil,
      conflicts: stored.conflicts,
      decidedAt: stored.decidedAt,
    }),
  },
];

export const modules: readonly ModuleDeclaration[] = declaredModules.map(withLazySchema);

const byName = new Map<string, ModuleDeclaration>(modules.map((module) => [module.name, module]));
const byPrefix = new Map(modules.map((module) => [module.idPrefix, module]));

export function findModule(name: string): ModuleDeclaration | undefined {
  return byName.get(name);
}

/** The module an id belongs to, read from its prefix. */
export function moduleOfId(id: string): ModuleDeclaration | undefined {
  return byPrefix.get(id.slice(0, id.indexOf('_')));
}
