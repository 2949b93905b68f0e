import type { WritePlan } from '../data/write-plan';
import type { ModuleDeclaration } from '../modules/registry';

/**
 * Writes a module adds to the same transaction as a staff write of one of its records (a deal registration's review
 * creating its lead, the prospect keys conflict detection looks up). Injected into the record service by the function
 * that needs them (functions/crm-records.ts), so shared/records does not depend on the modules' own folders.
 */
export interface CompanionWriteContext {
  readonly tableName: string;
  readonly module: ModuleDeclaration;
  readonly id: string;
  /** The stored record; undefined when it is being created. */
  readonly before: Readonly<Record<string, unknown>> | undefined;
  /** The record about to be written; undefined when it is being deleted. */
  readonly after: Readonly<Record<string, unknown>> | undefined;
  readonly actor: string;
  readonly at: string;
}

/** Adds actions to the plan; answers server-owned fields the record itself gains (a registration's `leadId`). */
export type CompanionWrites = (
  plan: WritePlan,
  context: CompanionWriteContext,
) => Promise<Readonly<Record<string, unknown>> | void>;

export type CompanionWritesByModule = Readonly<Partial<Record<string, CompanionWrites>>>;
