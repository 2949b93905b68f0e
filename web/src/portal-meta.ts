/// <reference lib="dom" />
/**
 * What the app knows of the back end, injected at build time from the declarations it is built from
 * (shared/modules/registry.ts, shared/portal/portal-session.ts, shared/files/file-rules.ts): see infra/portal-web.ts.
 */
export interface PortalModuleMeta {
  /** Path segment of the portal API: `tickets`, `sales-orders`… */
  readonly name: string;
  /** Singular, lower case: "sales order". */
  readonly label: string;
  /** The fields a list shows, in order. */
  readonly columns: readonly string[];
}

export interface PortalMeta {
  readonly modules: readonly PortalModuleMeta[];
  /** The one message for refused access, whatever the reason. */
  readonly refusalMessage: string;
  /** What an upload may be (shared/files/file-rules.ts): checked here too, so a refused file needs no round trip. */
  readonly files: { readonly maxBytes: number; readonly contentTypes: readonly string[] };
}

declare const __PORTAL_META__: PortalMeta;

export const portalMeta: PortalMeta = __PORTAL_META__;

export const moduleMeta = (name: string) => portalMeta.modules.find((module) => module.name === name);
