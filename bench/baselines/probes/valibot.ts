import * as v from 'valibot';

/** Probe: what `valibot` (the validator Portico declares its schemas with) adds to a bundle. */
const input = v.strictObject({ name: v.pipe(v.string(), v.minLength(1)), age: v.optional(v.number()) });

export const handler = async (event: unknown) => ({ statusCode: 200, body: JSON.stringify(v.safeParse(input, event)) });
