import type { ModuleDeclaration } from '../modules/registry';
import { staffOnlyFields } from '../portal/portal-view';

/**
 * The portal's view of each portal module's records (shared/portal/portal-view.ts: the staff record without
 * staff-only fields), as `PortalTicket`, `PortalInvoice`…, and `PortalRecord`/`PortalRecordPage`, the answers of
 * `GET /portal/{module}/{id}` and `GET /portal/{module}`.
 *
 * One route serves every module, so its answer is a union of the modules' views, told apart by the id's prefix
 * (each view's `id` pattern), rather than one documented path per module: the document keeps one operation per
 * API Gateway route, and a client still gets each module's own named type to narrow to.
 */
type JsonObject = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function portalRecordSchemas(
  modules: readonly ModuleDeclaration[],
  schemas: Readonly<Record<string, JsonObject>>,
): Record<string, JsonObject> {
  const result: Record<string, JsonObject> = {};
  const views: string[] = [];
  for (const module of modules.filter((candidate) => candidate.portalVisible)) {
    const name = module.label.replace(/(^|\s)(\w)/g, (_, _space, letter: string) => letter.toUpperCase());
    const record = schemas[name] as JsonObject & { properties: Record<string, JsonObject>; required?: string[] };
    if (!record) throw new Error(`No schema ${name} for the portal view of ${module.name}`);
    const view = `Portal${name}`;
    result[view] = {
      ...record,
      description: `A ${module.label} as the portal shows it: no staff-only fields.`,
      properties: Object.fromEntries(
        Object.entries(record.properties).filter(([field]) => !staffOnlyFields.has(field)),
      ),
      required: (record.required ?? []).filter((field) => !staffOnlyFields.has(field)),
    };
    views.push(view);
  }
  result.PortalRecord = {
    description: 'A record of one of the portal modules; its id prefix says which.',
    oneOf: views.map(ref),
  };
  result.PortalRecordPage = {
    type: 'object',
    description: 'One page of a portal module’s records, newest first.',
    properties: {
      items: { type: 'array', items: ref('PortalRecord') },
      nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; `null` on the last.' },
    },
    required: ['items', 'nextCursor'],
  };
  return result;
}
