import * as v from 'valibot';
import { readConfig } from '../../shared/config/read-config';

const schema = v.object({ TABLE_NAME: v.pipe(v.string(), v.minLength(1)) });

describe('readConfig', () => {
  it('returns the typed configuration', () => {
    expect(readConfig(schema, { TABLE_NAME: 'portico' })).toEqual({ TABLE_NAME: 'portico' });
  });

  it('names every missing or malformed variable', () => {
    expect(() => readConfig(schema, {})).toThrow(/TABLE_NAME/);
    expect(() => readConfig(schema, { TABLE_NAME: '' })).toThrow(/TABLE_NAME/);
  });
});
