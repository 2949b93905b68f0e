/** Probe: a handler with no dependency, the reference the other probes are measured against. */
export const handler = async (event: unknown) => ({ statusCode: 200, body: JSON.stringify(event) });
