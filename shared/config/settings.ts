import * as v from 'valibot';
import { emailAddress, isHttpUrl } from '../modules/fields';

/** The kinds of setting the functions' environments share, declared once (each a function: built when read). */

/** A setting that must be present and not empty (a table's name, a pool's id). */
export const nonEmpty = () => v.pipe(v.string(), v.minLength(1));

/** The address emails are sent from. */
export const senderEmail = () =>
  v.pipe(v.string(), v.regex(emailAddress, 'must be an email address'), v.metadata({ format: 'email' }));

/** An http or https URL, such as the portal's sign-in page. */
export const httpUrl = () =>
  v.pipe(
    v.string(),
    v.trim(),
    v.check((value) => isHttpUrl(value), 'must be an http or https URL'),
    v.metadata({ format: 'uri' }),
  );
