import * as z from 'zod/mini';

/**
 * Parses a function's environment once, at cold start, into a typed object. A missing or malformed
 * variable throws there, so a bad deployment fails at init rather than in the middle of a request.
 */
export function readConfig<T extends z.ZodMiniObject>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid function configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
