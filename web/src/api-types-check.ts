import type { Operation, PathsWith, RequestBodyOf, SuccessOf } from './api';

/**
 * Compile-time only (never imported by the app): every portal operation's answer and request body is typed by the
 * document, none is `unknown` or an empty object, so a route whose contract is missing breaks `npm run typecheck`.
 */

/** `unknown` (a schema `{}`), `{}` or `Record<string, never>` (a bare `{ type: 'object' }`); a 204's `undefined` is fine. */
type IsVague<T> = unknown extends T
  ? true
  : [T] extends [undefined]
    ? false
    : [keyof T] extends [never]
      ? true
      : string extends keyof T
        ? [T[keyof T]] extends [never]
          ? true
          : false
        : false;

type VagueAnswers<M extends 'get' | 'put' | 'post'> = {
  [P in PathsWith<M>]: IsVague<SuccessOf<Operation<P, M>>> extends true ? P : never;
}[PathsWith<M>];

type VagueRequests<M extends 'put' | 'post'> = {
  [P in PathsWith<M>]: IsVague<RequestBodyOf<Operation<P, M>>> extends true ? P : never;
}[PathsWith<M>];

/** Names each offending path in the error when it is not `never`. */
type Expect<T extends never> = T;

export type PortalAnswersAreTyped = Expect<VagueAnswers<'get'> | VagueAnswers<'put'> | VagueAnswers<'post'>>;
export type PortalRequestsAreTyped = Expect<VagueRequests<'put'> | VagueRequests<'post'>>;
