import { flattenClaims } from '../../infra/local/jwt-authorizer';

describe('claims handed to the integration', () => {
  it("are strings, with arrays in API Gateway's bracket form", () => {
    expect(
      flattenClaims({ sub: 'a', exp: 1700000000, 'cognito:groups': ['admins', 'sales'], email_verified: true }),
    ).toEqual({
      sub: 'a',
      exp: '1700000000',
      'cognito:groups': '[admins sales]',
      email_verified: 'true',
    });
  });
});
