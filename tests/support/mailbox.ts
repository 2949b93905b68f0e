import { waitFor } from '../../infra/local/managed-process';

export interface MailboxEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly html: string; readonly text: string };
}

/** The local mail server's store (aws-ses-v2-local), read as a person would read their inbox. */
export function mailbox(sesEndpoint: string) {
  async function all(): Promise<MailboxEmail[]> {
    const response = await fetch(`${sesEndpoint}/store`);
    return ((await response.json()) as { emails: MailboxEmail[] }).emails;
  }
  async function to(address: string): Promise<MailboxEmail[]> {
    return (await all()).filter((email) => email.destination.to.includes(address));
  }
  /** Waits until `address` has received `count` emails, and returns them. */
  async function waitFor_(address: string, count = 1, timeoutMs = 15_000): Promise<MailboxEmail[]> {
    let received: MailboxEmail[] = [];
    await waitFor(
      async () => (received = await to(address)).length >= count,
      timeoutMs,
      `${count} email(s) to ${address}`,
    );
    return received;
  }
  /** The first email to `address` that `matches`, once it has arrived (others may arrive before it). */
  async function first(address: string, matches: (mail: MailboxEmail) => boolean, timeoutMs = 30_000) {
    let found: MailboxEmail | undefined;
    await waitFor(
      async () => (found = (await to(address)).find(matches)) !== undefined,
      timeoutMs,
      `an email to ${address} of the kind expected`,
    );
    return found!;
  }
  return { all, to, waitFor: waitFor_, first };
}

export function temporaryPasswordIn(email: MailboxEmail): string {
  const match = /Temporary password: (\S+)/.exec(email.body.text);
  if (!match) throw new Error(`No temporary password in: ${email.body.text}`);
  return match[1]!;
}

/** The one-time code of a Cognito code email (forgot password, an administrator's reset), as the person reads it. */
export function codeIn(email: MailboxEmail): string {
  const match = /portal code is (\d{6})\b/.exec(email.body.text);
  if (!match) throw new Error(`No code in: ${email.body.text}`);
  return match[1]!;
}
