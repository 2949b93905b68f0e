import * as v from 'valibot';
import { ourMessages } from '../modules/validate';

/**
 * Parses a function's environment once, at cold start, into a typed object. A missing or malformed
 * variable throws there, so a bad deployment fails at init rather than in the middle of a request.
 */
export function readConfig<T extends v.ObjectSchema<v.ObjectEntries, v.ErrorMessage<v.ObjectIssue> | undefined>>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): v.InferOutput<T> {
  const result = v.safeParse(schema, env, ourMessages);
  if (!result.success) {
    const problems = result.issues.map(
      (issue) => `${(issue.path ?? []).map((item) => String(item.key)).join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`Invalid function configuration: ${problems.join('; ')}`);
  }
  return result.output;
}
