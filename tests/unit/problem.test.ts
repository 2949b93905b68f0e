import { Conflict, TooManyRequests, ValidationFailed } from '../../shared/http/errors';
import { problemContentType, toProblemResponse } from '../../shared/http/problem';

describe('problem details (RFC 9457)', () => {
  it("carries a domain error's status, title, detail and extensions", () => {
    const response = toProblemResponse(
      new ValidationFailed('Body is invalid', [{ path: 'name', message: 'Required' }]),
      'c-1',
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({ 'content-type': problemContentType });
    expect(JSON.parse(response.body!)).toEqual({
      type: '/problems/validation-failed',
      title: 'Validation failed',
      status: 400,
      detail: 'Body is invalid',
      correlationId: 'c-1',
      errors: [{ path: 'name', message: 'Required' }],
    });
  });

  it('sets the headers an error asks for', () => {
    const response = toProblemResponse(new TooManyRequests('Slow down', 42.2), 'c-2');
    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({ 'retry-after': '43' });
  });

  it('turns anything else into a 500 that reveals nothing but the correlation id', () => {
    const secret = new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
    const response = toProblemResponse(secret, 'c-3');
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(JSON.parse(response.body!)).toMatchObject({ status: 500, correlationId: 'c-3' });
  });

  it('never lets an extension overwrite the standard members', () => {
    const error = new Conflict('Email taken');
    error.extensions.status = 200;
    expect(JSON.parse(toProblemResponse(error, 'c-4').body!).status).toBe(409);
  });
});
