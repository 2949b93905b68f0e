import middy from '@middy/core';

/** Probe: what `@middy/core` adds to a bundle. */
export const handler = middy(async (event: unknown) => ({ statusCode: 200, body: JSON.stringify(event) })).use({
  before: () => {},
});
