import * as zodClassic from 'zod';
import { modules } from '../../shared/modules/registry';
import { validate } from '../../shared/modules/validate';
import { errorsOf } from './support/failures';

/**
 * zod keeps its message locale in a process-wide config: any code that loads full zod's English locale would turn
 * the API's sentences into zod's ("Invalid input: expected object, received string"). Validation asks for its own.
 */
describe('validation messages', () => {
  beforeAll(() => zodClassic.config(zodClassic.locales.en()));

  it("stay the API's own when zod's English locale is loaded", () => {
    expect(errorsOf(() => validate(modules[0]!.schema, 'text', 'organization'))).toEqual([
      { path: '/', message: 'must be an object' },
    ]);
    expect(errorsOf(() => validate(modules[0]!.schema, {}, 'organization'))).toEqual([
      { path: '/name', message: 'required' },
    ]);
  });
});
