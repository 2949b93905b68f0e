import * as z from 'zod';

/** Probe: what classic `zod` (the method-chaining API) adds to a bundle. */
const input = z.strictObject({ name: z.string().min(1), age: z.number().optional() });

export const handler = async (event: unknown) => ({ statusCode: 200, body: JSON.stringify(input.safeParse(event)) });
