import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { Conflict, ValidationFailed } from '../http/errors';
import { onFirstUse } from '../modules/on-first-use';
import { personContactFields } from '../modules/registry';
import { validate } from '../modules/validate';
import { applyMergePatch } from '../records/merge-patch';
import { updateRecord } from '../records/update-record';
import type { createPortalService } from './portal-service';

/**
 * A person edits their own contact details (PATCH /portal/me, a JSON merge patch): phone, mobile and mailing
 * address, nothing else. Email and username are what the login and the access machine follow, so only staff change
 * them; none of these fields is one the access stream reacts to (shared/access/stream-changes.ts), so an edit here
 * never reconciles the person's login. Concurrent edits are safe without If-Match: each write is conditional on the
 * version it merged into, and a lost race merges again.
 */

type ContactFields = ReturnType<typeof personContactFields>;
/** The contact fields every person module declares (`personContactFields`); tests/unit/on-first-use.test.ts keeps the two equal. */
export const editableProfileFields: readonly (keyof ContactFields)[] = ['phone', 'mobile', 'mailingAddress'];
const profile = onFirstUse(() => v.strictObject(personContactFields()));
/** What the route takes: a merge patch of the editable fields, where `null` removes one. */
export const profilePatchInput = onFirstUse(() => {
  const contactFields = personContactFields();
  return v.strictObject({
    // nullish, not nullable: each member may also be left out (the contact fields are optional themselves).
    phone: v.nullish(contactFields.phone),
    mobile: v.nullish(contactFields.mobile),
    mailingAddress: v.nullish(contactFields.mailingAddress),
  });
});
const staffOwned = new Set(['email', 'username', 'portal']);

/** Attempts of the merge when the record keeps changing under it. */
const maxAttempts = 4;

function refusedMembers(patch: Record<string, unknown>): void {
  const refused = Object.keys(patch).filter((name) => !(editableProfileFields as string[]).includes(name));
  if (!refused.length) return;
  const sentence = `You can change your ${editableProfileFields.join(', ')} here; staff change your other details, such as your email and username — ask your account manager.`;
  throw new ValidationFailed(
    sentence,
    refused.map((name) => ({
      path: `/${name}`,
      message: staffOwned.has(name)
        ? `staff change your ${name}; ask your account manager`
        : 'not a detail you can change here; staff change it',
    })),
  );
}

export function createPortalProfile(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly portal: ReturnType<typeof createPortalService>;
  readonly now?: () => Date;
}) {
  const { dynamo, tableName, portal } = deps;
  const now = deps.now ?? (() => new Date());

  async function update(personId: string, patch: Record<string, unknown>) {
    refusedMembers(patch);
    validate(profilePatchInput(), patch, 'profile');
    for (let attempt = 1; ; attempt++) {
      const { person } = await portal.session(personId);
      const current = Object.fromEntries(
        editableProfileFields.filter((name) => person[name] !== undefined).map((name) => [name, person[name]]),
      );
      const merged = validate(profile(), applyMergePatch(current, patch), 'profile');
      const set: Record<string, unknown> = { updatedBy: `portal:${person.id}` };
      const remove: string[] = [];
      for (const name of editableProfileFields) {
        if (merged[name] === undefined) remove.push(name);
        else set[name] = merged[name];
      }
      const changed = await updateRecord({ dynamo, tableName }, person.id, {
        set,
        remove,
        at: now().toISOString(),
        when: { version: person.version as number },
      });
      if (changed) return portal.me(personId);
      if (attempt >= maxAttempts) throw new Conflict('Your profile is being changed by others right now; try again.');
    }
  }

  return { update };
}
