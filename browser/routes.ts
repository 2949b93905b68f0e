/// <reference lib="dom" />
/** The app's routes live in the URL fragment: `#/<section>[/<id>[/<more>]][?query]`. */

export interface Route {
  /** Decoded path segments: `['tickets', 'abc']`. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
}

/**
 * An in-app route and nothing else: `#/` then path segments of URL-safe characters and an optional query. What
 * survives a sign-in round trip must pass this, so a crafted link can only ever choose a page of this app.
 */
const inAppRoutePattern = /^#\/(?:[\w.~%-]+(?:\/[\w.~%-]+)*)?(?:\?[\w.~%=&+-]*)?$/;

export function inAppRoute(hash: string): string | undefined {
  return hash.length <= 512 && inAppRoutePattern.test(hash) ? hash : undefined;
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
  return { segments, query: new URLSearchParams(search) };
}

/** `href` of an in-app page: `routeHref(['tickets', id], { page: 2 })`. */
export function routeHref(segments: readonly string[], query: Record<string, string | number | undefined> = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return `#/${segments.map(encodeURIComponent).join('/')}${text ? `?${text}` : ''}`;
}
