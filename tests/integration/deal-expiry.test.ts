import { randomUUID } from 'node:crypto';
import { dealCompanionWrites } from '../../shared/deals/deal-writes';
import { createDealExpiry, dailyActor } from '../../shared/deals/expire-deal-registrations';
import { findProspectConflicts } from '../../shared/deals/prospect-conflicts';
import { findModule } from '../../shared/modules/registry';
import { createRecordService } from '../../shared/records/record-service';
import { localStackContext } from '../support/local-stack-context';
import { stackTable } from '../support/stack-table';

/**
 * The daily run's expiry of deal registrations, against the local stack's table (shared/deals/expire-deal-registrations.ts):
 * an approved registration whose protection ended expires, and then conflicts with nobody. The approval here is made
 * as a deployment with a one-day protection would make it, so a run two days on touches no other test's records
 * (theirs are protected for the stack's 90 days, and wait 30 before a submitted one expires).
 */
jest.setTimeout(120_000);

const local = localStackContext();
const table = stackTable();
const short = () => randomUUID().slice(0, 8);
const daysFromNow = (days: number) => () => new Date(Date.now() + days * 86_400_000);

it('expires an approved registration the day after its protection ends; it then flags nobody', async () => {
  const [partnerA, partnerB] = await Promise.all(
    ['A', 'B'].map(async (name) => {
      const organization = await local.api.create('partner-organizations', { name: `Expiry ${name} ${short()}` });
      return organization.id;
    }),
  );
  const company = `Expiring ${short()}`;
  const body = {
    companyName: company,
    contactName: 'Eve Expiry',
    contactEmail: `eve@${short()}.example`,
    estimatedValue: 1000,
    currency: 'EUR',
    expectedCloseDate: '2027-01-31',
  };
  const registration = await local.api.create('deal-registrations', { ...body, organizationId: partnerA });
  const module = findModule('deal-registrations')!;
  const oneDay = createRecordService({
    ...table,
    companionWrites: dealCompanionWrites({ dynamo: table.dynamo, timeZone: 'UTC', protectionDays: 1 }),
  });
  const approved = await oneDay.update(module, registration.id, { status: 'approved' }, 'staff:test');
  expect(approved).toMatchObject({ status: 'approved', leadId: expect.stringMatching(/^lead_/) });

  const tomorrow = createDealExpiry({ ...table, timeZone: 'UTC', protectionDays: 90, now: daysFromNow(1) });
  await tomorrow.run();
  expect((await local.api.call('GET', `/deal-registrations/${registration.id}`)).body).toMatchObject({
    status: 'approved',
  });

  const later = createDealExpiry({ ...table, timeZone: 'UTC', protectionDays: 90, now: daysFromNow(2) });
  const summary = await later.run();
  expect(summary.failed).toEqual([]);
  expect(summary.expired).toBeGreaterThanOrEqual(1);
  expect((await local.api.call('GET', `/deal-registrations/${registration.id}`)).body).toMatchObject({
    status: 'expired',
    updatedBy: dailyActor,
  });

  // Its prospect keys say expired: another partner's registration of the same company conflicts only with the lead.
  const rival = await local.api.create('deal-registrations', { ...body, organizationId: partnerB });
  expect(rival.status).toBe('submitted');
  const conflicts = await findProspectConflicts(table, rival);
  expect(conflicts.map((conflict) => conflict.module)).not.toContain('deal-registrations');
  expect(conflicts.map((conflict) => conflict.recordId)).toContain(approved.leadId);
});
