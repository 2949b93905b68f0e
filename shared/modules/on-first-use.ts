/**
 * A value built the first time it is asked for, then kept. For request schemas: a schema's whole tree is built
 * when it is constructed, and a cold start should not pay for the schemas of routes its first request does not
 * take. The declaration stays where it was (one source for the handler and the OpenAPI document); only the building
 * waits. The module registry does the same for module schemas (`withLazySchema` in ./registry.ts).
 */
export function onFirstUse<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
