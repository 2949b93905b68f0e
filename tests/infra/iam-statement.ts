/** An IAM policy statement as it appears in a synthesized template. */
export interface Statement {
  Effect?: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
