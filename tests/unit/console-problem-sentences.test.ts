import { consoleSpecsOf } from '../support/console-specs';
import { fieldSentence, placeProblem } from '../../console/src/forms/problem-sentences';
import { validate } from '../../shared/modules/validate';
import { ValidationFailed } from '../../shared/http/errors';

const specsOf = consoleSpecsOf;

/** The problem the API answers for `body` (shared/modules/validate.ts), as a client reads it. */
function problemFor(name: string, body: unknown) {
  const { module } = specsOf(name);
  try {
    validate(module.schema, body, module.label);
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    return {
      status: 400,
      detail: error.message,
      errors: error.extensions.errors as { path: string; message: string }[],
    };
  }
  throw new Error('expected a refusal');
}

describe('problem+json on the form', () => {
  it("puts the API's own validation errors beside the inputs they name", () => {
    const { specs } = specsOf('contacts');
    const problem = problemFor('contacts', {
      lastName: 'Ng',
      email: 'not-an-email',
      portal: { supportStartDate: '2026-12-10', supportEndDate: '2026-12-01' },
    });
    const placed = placeProblem(specs, problem);
    expect(placed.fieldErrors).toEqual([
      { path: '/email', message: 'Email must be an email address.' },
      { path: '/portal/supportEndDate', message: 'Support end date must not be before supportStartDate.' },
    ]);
    expect(placed.formMessage).toBe('The contact is not valid. See the fields marked below.');
  });

  it('places a line-item error on its cell, labelled with its line', () => {
    const { specs } = specsOf('sales-orders');
    const problem = problemFor('sales-orders', {
      subject: 'x',
      contactId: 'pcon_00000000-0000-4000-8000-000000000001',
      lineItems: [
        { description: 'a', quantity: 1, unitPrice: 1 },
        { description: 'b', quantity: -1, unitPrice: 1 },
      ],
    });
    expect(placeProblem(specs, problem).fieldErrors).toEqual([
      { path: '/lineItems/1/quantity', message: 'Quantity on line 2 must be more than 0.' },
    ]);
  });

  it('says what an error naming no input means, above the form', () => {
    const { specs } = specsOf('contacts');
    const placed = placeProblem(specs, {
      status: 400,
      detail: 'The contact is not valid.',
      errors: [{ path: '/nickname', message: 'unknown field' }],
    });
    expect(placed.fieldErrors).toEqual([]);
    expect(placed.formMessage).toBe('The contact is not valid. nickname: unknown field.');
  });

  it('explains a 412 and offers the reload', () => {
    const placed = placeProblem([], { status: 412, title: 'Precondition failed', detail: 'If-Match did not match' });
    expect(placed.formMessage).toMatch(/^Someone else changed this record since you opened it\. Reload/);
  });

  it('falls back to the API detail when no field is named', () => {
    expect(placeProblem([], { status: 409, detail: 'This email belongs to someone else.' }).formMessage).toBe(
      'This email belongs to someone else.',
    );
  });

  it.each([
    ['Last name', 'required', 'Last name is required.'],
    ['Phone', 'a phone number uses digits', 'Phone: a phone number uses digits.'],
    ['Total', 'at most two decimals', 'Total: at most two decimals.'],
  ])('%s + %j → %j', (label, message, sentence) => {
    expect(fieldSentence(label, message)).toBe(sentence);
  });
});
