import { leadDeclineReasons, partnerLeadStages } from '../../shared/deals/partner-leads';
import { dealRegistrationStatuses } from '../../shared/modules/registry';
import {
  dealStatusLabels,
  dealStatusText,
  declineReasonLabels,
  formatValue,
  leadStageLabels,
} from '../../web/src/format';

/** How the portal app words the partner's records (web/src/format.ts): codes as words, amounts as money. */
describe('portal record wording', () => {
  it('has a label for exactly the codes the API declares, in their order', () => {
    expect(Object.keys(dealStatusLabels)).toEqual([...dealRegistrationStatuses]);
    expect(Object.keys(leadStageLabels)).toEqual([...partnerLeadStages]);
    expect(Object.keys(declineReasonLabels)).toEqual([...leadDeclineReasons]);
    expect(leadStageLabels.proposal).toBe('Proposal sent');
  });

  it('says what a deal registration’s status means now: protection, the reason for a refusal, when it lapsed', () => {
    expect(dealStatusText({ status: 'submitted' })).toBe('Submitted');
    expect(dealStatusText({ status: 'approved', protectedUntil: '2027-03-03' })).toMatch(
      /^Approved, protected until .*2027$/,
    );
    expect(dealStatusText({ status: 'rejected', reason: 'Already our customer.' })).toBe(
      'Rejected: Already our customer.',
    );
    expect(dealStatusText({ status: 'expired', decidedAt: '2027-01-05T02:00:00.000Z' })).toMatch(/^Expired on .*2027$/);
    // A code this app does not know yet reads as itself rather than as nothing.
    expect(dealStatusText({ status: 'withdrawn' })).toBe('withdrawn');
  });

  it('labels codes only in the section they belong to, and shows amounts in the record’s currency', () => {
    const deal = { status: 'approved', estimatedValue: 48_000, currency: 'EUR' };
    expect(formatValue('status', 'approved', deal, 'deal-registrations')).toMatch(/^Approved/);
    expect(formatValue('status', 'Open', { status: 'Open' }, 'tickets')).toBe('Open');
    expect(formatValue('partnerStage', 'negotiation', {}, 'leads')).toBe('In negotiation');
    const money = formatValue('estimatedValue', 48_000, deal, 'deal-registrations');
    expect(money).toContain('€');
    expect(money.replace(/\D/g, '')).toBe('4800000');
    expect(formatValue('estimatedValue', 48_000, { currency: 'JPY' })).not.toContain('.00');
  });
});
