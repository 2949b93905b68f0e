/**
 * Domain errors that know their HTTP status. Anything thrown that is not one of these becomes a 500
 * whose body says nothing about the cause.
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string> = {};
  /** Extra members of the problem document. */
  readonly extensions: Record<string, unknown> = {};

  constructor(detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  readonly title = 'Validation failed';
  constructor(detail: string, errors: readonly FieldError[] = []) {
    super(detail);
    this.extensions.errors = errors;
  }
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly title = 'Unauthorized';
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly title = 'Forbidden';
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly title = 'Not found';
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
}

export class PreconditionFailed extends DomainError {
  readonly status = 412;
  readonly title = 'Precondition failed';
}

export class PayloadTooLarge extends DomainError {
  readonly status = 413;
  readonly title = 'Payload too large';
}

export class Locked extends DomainError {
  readonly status = 423;
  readonly title = 'Locked';
  constructor(detail: string, retryAfterSeconds: number) {
    super(detail);
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  readonly title = 'Unsupported media type';
}

export class TooManyRequests extends DomainError {
  readonly status = 429;
  readonly title = 'Too many requests';
  constructor(detail: string, retryAfterSeconds: number) {
    super(detail);
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
