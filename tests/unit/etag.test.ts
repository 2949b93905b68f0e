import { etagOf, versionsFromIfMatch } from '../../shared/records/etag';

describe('versionsFromIfMatch and etagOf', () => {
  it.each([
    [undefined, undefined],
    ['*', undefined],
    [' * ', undefined],
    ['"v3"', 3],
    [' "v3" ', 3],
    ['"v1"', 1],
    ['"v999999999999999"', 999_999_999_999_999],
    // Weak tags never match under If-Match's strong comparison.
    ['W/"v3"', null],
    ['w/"v3"', null],
    ['W/"v3", "v4"', 4],
    ['"v3", W/"v4"', 3],
    ['"v5",W/"v6"', 5],
    // Anything this API never issued.
    ['', null],
    ['v3', null],
    ['"3"', null],
    ['"v0"', null],
    ['"v03"', null],
    ['"v-1"', null],
    ['"v1.5"', null],
    ['"v3', null],
    ["'v3'", null],
    ['"V3"', null],
    ['"v1234567890123456"', null],
    ['garbage', null],
    [',,,', null],
    // Any listed tag may match (RFC 9110 §13.1.1).
    ['"v9", "v3"', [9, 3]],
  ])('If-Match %j → %j', (header, expected) => {
    const versions =
      expected === undefined ? undefined : expected === null ? [] : Array.isArray(expected) ? expected : [expected];
    expect(versionsFromIfMatch(header)).toEqual(versions);
  });

  it('reads back every ETag it issues', () => {
    for (const version of [1, 2, 9, 10, 12345, 2 ** 40])
      expect(versionsFromIfMatch(etagOf(version))).toEqual([version]);
    expect(etagOf(3)).toBe('"v3"');
  });
});
