/**
 * RFC 7396 JSON Merge Patch: objects merge, `null` removes, anything else replaces. Members are defined as
 * own properties, so a member named `__proto__` stays data (and is refused as an unknown field) instead of
 * replacing the prototype.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = {};
  if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
    for (const [name, value] of Object.entries(target)) define(result, name, value);
  }
  for (const [name, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[name];
    else define(result, name, applyMergePatch(Object.hasOwn(result, name) ? result[name] : undefined, value));
  }
  return result;
}

function define(object: Record<string, unknown>, name: string, value: unknown) {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}
