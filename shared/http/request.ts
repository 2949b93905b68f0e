import { PayloadTooLarge, UnsupportedMediaType, ValidationFailed } from './errors';
import type { HttpEvent } from './http-handler';

/** Bodies larger than this are refused before parsing: nothing a CRM record holds comes near it. */
export const maxBodyBytes = 64 * 1024;
/** No record nests deeper than a few levels; a deeper body is refused before anything walks it recursively. */
export const maxBodyDepth = 16;

/** Depth of a parsed JSON value, measured without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > maxBodyDepth) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const jsonMediaType = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** The request's JSON object body, or a clear 4xx: missing, too large, not JSON, not an object. */
export function parseJsonBody(event: HttpEvent): Record<string, unknown> {
  if (event.body === undefined || event.body === '') throw new ValidationFailed('This request needs a JSON body.');
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > maxBodyBytes) {
    throw new PayloadTooLarge(`The body is ${raw.length} bytes; at most ${maxBodyBytes} are accepted.`);
  }
  const contentType = event.headers?.['content-type'] ?? '';
  if (!jsonMediaType.test(contentType)) {
    throw new UnsupportedMediaType(
      `Send the body as application/json (got ${contentType ? contentType.split(';')[0] : 'no content type'}).`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new ValidationFailed(`The body is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ValidationFailed('The body must be a JSON object.');
  }
  if (depthOf(parsed) > maxBodyDepth) {
    throw new ValidationFailed(`The body nests objects and arrays more than ${maxBodyDepth} levels deep.`);
  }
  return parsed as Record<string, unknown>;
}

export function header(event: HttpEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}
