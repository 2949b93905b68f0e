import * as z from 'zod/mini';
import { readConfig } from '../../shared/config/read-config';

const schema = z.object({ TABLE_NAME: z.string().check(z.minLength(1)) });

describe('readConfig', () => {
  it('returns the typed configuration', () => {
    expect(readConfig(schema, { TABLE_NAME: 'portico' })).toEqual({ TABLE_NAME: 'portico' });
  });

  it('names every missing or malformed variable', () => {
    expect(() => readConfig(schema, {})).toThrow(/TABLE_NAME/);
    expect(() => readConfig(schema, { TABLE_NAME: '' })).toThrow(/TABLE_NAME/);
  });
});
