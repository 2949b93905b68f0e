import { Conflict } from '../http/errors';
import { StaleRead } from './write-plan';

/** Attempts of a transaction that concurrent ones on the same items cancel (TransactionConflict). */
const maxAttempts = 6;

/**
 * Runs `write` again when its transaction was cancelled by a concurrent one (WritePlan's StaleRead); `write` must be
 * a whole new attempt each time. Persistent contention is a 409 saying so.
 */
export async function withRetriedConflicts<T>(write: () => Promise<T>, busy: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof StaleRead)) throw error;
      if (attempt >= maxAttempts) throw new Conflict(busy);
      // Jittered, growing back-off, so the conflicting requests do not meet again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}
