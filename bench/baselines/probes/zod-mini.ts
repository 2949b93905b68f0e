import * as z from 'zod/mini';

/** Probe: what `zod/mini` (the functional API Portico uses) adds to a bundle. */
const input = z.strictObject({ name: z.string().check(z.minLength(1)), age: z.optional(z.number()) });

export const handler = async (event: unknown) => ({ statusCode: 200, body: JSON.stringify(z.safeParse(input, event)) });
