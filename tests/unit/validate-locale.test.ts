import * as v from 'valibot';
import { modules } from '../../shared/modules/registry';
import { validate } from '../../shared/modules/validate';
import { errorsOf } from './support/failures';

/**
 * valibot keeps its messages in process-wide maps: any code that sets a global, schema or specific message would turn
 * the API's sentences into its own. Validation asks for its own.
 */
describe('validation messages', () => {
  beforeAll(() => {
    v.setGlobalMessage((issue) => `global: ${issue.message}`);
    v.setSchemaMessage((issue) => `schema: ${issue.message}`);
    v.setSpecificMessage(v.strictObject, (issue) => `specific: ${issue.message}`);
    v.setSpecificMessage(v.minLength, (issue) => `specific: ${issue.message}`);
  });
  afterAll(() => {
    v.deleteGlobalMessage();
    v.deleteSchemaMessage();
    v.deleteSpecificMessage(v.strictObject);
    v.deleteSpecificMessage(v.minLength);
  });

  it("stay the API's own whatever messages other code configured", () => {
    expect(errorsOf(() => validate(modules[0]!.schema, 'text', 'organization'))).toEqual([
      { path: '/', message: 'must be an object' },
    ]);
    expect(errorsOf(() => validate(modules[0]!.schema, {}, 'organization'))).toEqual([
      { path: '/name', message: 'required' },
    ]);
    expect(errorsOf(() => validate(modules[0]!.schema, { name: ' ' }, 'organization'))).toEqual([
      { path: '/name', message: 'must not be empty' },
    ]);
  });
});
