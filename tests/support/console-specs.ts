import { specsFromMeta, type FieldSpec } from '../../console/src/forms/field-specs';
import { moduleMeta } from '../../console/src/generated/module-meta';
import { findModule, type ModuleDeclaration } from '../../shared/modules/registry';

/** A module's form inputs as the console builds them (its generated metadata), beside its registry declaration. */
export function consoleSpecsOf(name: string): { module: ModuleDeclaration; specs: FieldSpec[] } {
  const module = findModule(name);
  const meta = moduleMeta.find((candidate) => candidate.name === name);
  if (!module || !meta) throw new Error(`no module ${name}`);
  return { module, specs: specsFromMeta(meta.fields) };
}
