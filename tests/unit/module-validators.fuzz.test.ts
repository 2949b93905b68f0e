import fc from 'fast-check';
import { ValidationFailed } from '../../shared/http/errors';
import { money, quantity } from '../../shared/modules/fields';
import { modules } from '../../shared/modules/registry';
import { validate } from '../../shared/modules/validate';
import { errorsOf } from './support/failures';
import {
  fieldNames,
  anyModule,
  validWithForbiddenKey,
  anyInput,
  isPlainObject,
  unescapePointer,
  everyNumberIsFinite,
} from './support/record-arbitraries';
import * as v from 'valibot';

/** Property-based: random and malformed bodies at the module validators, called directly: no crash, a clean verdict. */

describe('module validators under random input', () => {
  it.each(modules.map((module) => [module.name, module] as const))(
    '%s: either returns a clean record or throws ValidationFailed naming where and what',
    (_name, module) => {
      const known = new Set(fieldNames(module));
      fc.assert(
        fc.property(anyInput(module), (input) => {
          let result: Record<string, unknown>;
          try {
            result = validate(module.schema, input, module.label);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationFailed);
            const errors = (error as ValidationFailed).extensions.errors as { path: unknown; message: unknown }[];
            expect(errors.length).toBeGreaterThanOrEqual(1);
            for (const { path, message } of errors) {
              expect(typeof path).toBe('string');
              expect(path as string).toMatch(/^\//);
              expect(typeof message).toBe('string');
              expect((message as string).trim()).not.toBe('');
            }
            if (!isPlainObject(input)) {
              // A non-object root is one problem, at the root.
              expect(errors.map((e) => e.path)).toEqual(['/']);
            } else {
              // Every problem points at a field the client sent or one the module declares.
              for (const { path } of errors) {
                const first = unescapePointer((path as string).split('/')[1]!);
                expect(Object.keys(input).includes(first) || known.has(first)).toBe(true);
              }
            }
            return;
          }
          expect(isPlainObject(input)).toBe(true);
          for (const key of Object.keys(result)) expect(known.has(key)).toBe(true);
          expect(everyNumberIsFinite(result)).toBe(true);
          // Normalisation is stable: validating the output again changes nothing.
          expect(validate(module.schema, result, module.label)).toEqual(result);
        }),
        { numRuns: 500 },
      );
    },
  );

  it('refuses every key only the server may write, at that key', () => {
    fc.assert(
      fc.property(
        anyModule.chain((module) => fc.tuple(fc.constant(module), validWithForbiddenKey(module))),
        ([module, { body, key }]) => {
          expect(errorsOf(() => validate(module.schema, body, module.label))).toContainEqual({
            path: `/${key}`,
            message: 'unknown field',
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  // "required" is for a member the input lacks (describe() reads the input), never one of the wrong type.
  it('does not report a present value of the wrong type as "required"', () => {
    const misreported: string[] = [];
    for (const module of modules) {
      for (const name of fieldNames(module).filter((field) => field !== 'lineItems')) {
        const at = errorsOf(() => validate(module.schema, { [name]: [] }, module.label)).find(
          (e) => e.path === `/${name}`,
        );
        if (at?.message === 'required') misreported.push(`${module.name}/${name}`);
      }
    }
    expect(misreported).toEqual([]);
  });

  it('does not call a body that is a string, an array or null "required"', () => {
    for (const input of ['text', [1, 2], null, 42]) {
      expect(errorsOf(() => validate(modules[0]!.schema, input, 'organization'))).toEqual([
        { path: '/', message: 'must be an object' },
      ]);
    }
  });

  // A tolerance on value*100 misjudges large amounts (float error) and tiny ones; decimals are counted instead.
  it('money accepts every amount of whole cents from 0 to 1e12', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000_000 }), (c) => {
        expect(v.safeParse(money(), c / 100).success).toBe(true);
      }),
      { numRuns: 2000, examples: [[66_596_041_819]] },
    );
  });

  it('money refuses amounts with more than two decimals, however small', () => {
    for (const amount of [0.001, 0.125, 1e-7, 1e-9, 5e-10]) expect(v.safeParse(money(), amount).success).toBe(false);
  });

  it('quantity accepts whole ten-thousandths up to 1e9 and refuses finer ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000_000 }), (units) => {
        expect(v.safeParse(quantity(), units / 10_000).success).toBe(true);
      }),
      { numRuns: 2000, examples: [[65_136_725_535]] },
    );
    for (const value of [0.00001, 1e-9, 1e-11]) expect(v.safeParse(quantity(), value).success).toBe(false);
  });
});
