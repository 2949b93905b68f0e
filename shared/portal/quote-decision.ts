import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { Conflict } from '../http/errors';
import { multilineText } from '../modules/fields';
import { onFirstUse } from '../modules/on-first-use';
import { quoteContentHash, type QuoteDecision } from '../modules/quote-content';
import { withUnsafeCharactersReplaced } from '../modules/safe-text';
import { validate } from '../modules/validate';
import { updateRecord } from '../records/update-record';
import { fullName, sessionAndRecord, type PortalRecordGate, type RequestOrigin } from './portal-gate';

/**
 * A person accepts or declines a quote they can see, once. Recorded like a signature (who, when, the client
 * address, the browser, a hash of the quote's content); the quote's status follows (Accepted / Rejected). The write
 * is conditional on the version read, so of concurrent decisions exactly one lands and the others are 409. A staff
 * edit of the content afterwards marks the decision superseded (shared/modules/quote-content.ts), and the person
 * may decide again on the new content.
 */

export const quoteDecisionInput = onFirstUse(() =>
  v.strictObject({
    decision: v.picklist(['accept', 'decline']),
    reason: v.optional(multilineText(2_000)),
  }),
);

const statusAfter = { accept: 'Accepted', decline: 'Rejected' } as const;
const pastTense = { accept: 'accepted', decline: 'declined' } as const;

export function createQuoteDecisions(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly portal: PortalRecordGate;
  readonly now?: () => Date;
}) {
  const { dynamo, tableName, portal } = deps;
  const now = deps.now ?? (() => new Date());

  async function decide(personId: string, quoteId: string, body: unknown, origin: RequestOrigin) {
    // The quote is read beside the session; the checks then run in the order a refusal is told.
    const { person, record: quote } = await sessionAndRecord(portal, personId, 'quotes', quoteId);
    const input = validate(quoteDecisionInput(), body, 'decision');
    const existing = quote.decision as QuoteDecision | undefined;
    if (existing && !existing.superseded) throw new Conflict(`This quote was already ${pastTense[existing.decision]}.`);
    const decision: QuoteDecision = {
      decision: input.decision,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      decidedAt: now().toISOString(),
      decidedBy: { id: person.id, name: fullName(person), email: person.email ?? '' },
      contentHash: quoteContentHash(quote),
      sourceIp: origin.sourceIp,
      // As for a signature: no control or bidi characters in a legal record.
      userAgent: withUnsafeCharactersReplaced(origin.userAgent.slice(0, 512)),
    };
    const decided = await updateRecord({ dynamo, tableName }, quoteId, {
      set: { decision, status: statusAfter[input.decision], updatedBy: `portal:${person.id}` },
      at: decision.decidedAt,
      when: { version: quote.version as number },
    });
    if (!decided) throw new Conflict('The quote was decided or changed meanwhile; review it again.');
    const { decision: value, reason, decidedAt, decidedBy, contentHash } = decision;
    return { decision: value, ...(reason !== undefined ? { reason } : {}), decidedAt, decidedBy, contentHash };
  }

  return { decide };
}
