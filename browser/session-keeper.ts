/// <reference lib="dom" />
import { AuthError, clearSession, refreshDelay, refreshSession, type Tokens } from './auth';
import type { AppConfig } from './config';

/**
 * The signed-in session of one tab, for both apps: the tokens, their renewal a minute before expiry (once at a
 * time however many requests ask), and the end of the session. A renewal that finishes after its session ended
 * does not bring it back.
 */
export interface SessionKeeper {
  readonly tokens: Tokens | undefined;
  /** Starts keeping `tokens` (just signed in, or loaded from this tab's storage) and schedules their renewal. */
  start(tokens: Tokens): void;
  /** Renews the tokens now; rejects with an AuthError when that is not possible. */
  renew(): Promise<Tokens>;
  /** Forgets the tokens (storage included) and stops renewing. */
  end(): void;
}

export function createSessionKeeper(
  config: () => AppConfig,
  /** A scheduled renewal failed for a reason other than the network: the app decides what to tell the person. */
  onRenewalFailed: (error: unknown) => void,
): SessionKeeper {
  let tokens: Tokens | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let renewing: Promise<Tokens> | undefined;
  let sessionsEnded = 0;

  function schedule() {
    clearTimeout(timer);
    if (!tokens) return;
    timer = setTimeout(() => {
      renew().catch((error: unknown) => {
        // Offline for a moment: try again shortly; the next request renews on its own anyway.
        if (error instanceof AuthError && error.reason === 'network') timer = setTimeout(schedule, 30_000);
        else onRenewalFailed(error);
      });
    }, refreshDelay(tokens));
  }

  async function renew(): Promise<Tokens> {
    if (!tokens) throw new AuthError('expired', 'Not signed in.');
    const current = tokens;
    const session = sessionsEnded;
    renewing ??= refreshSession(config(), current).finally(() => (renewing = undefined));
    const renewed = await renewing;
    if (session !== sessionsEnded) {
      clearSession();
      throw new AuthError('expired', 'The session ended while it was being renewed.');
    }
    tokens = renewed;
    schedule();
    return tokens;
  }

  return {
    get tokens() {
      return tokens;
    },
    start(given) {
      tokens = given;
      schedule();
    },
    renew,
    end() {
      sessionsEnded++;
      clearTimeout(timer);
      clearSession();
      tokens = undefined;
    },
  };
}
