/// <reference lib="dom" />
import type { Route } from '../../../browser/routes';
import type { StaffApi } from '../api';

/** What every screen gets from the shell (console/src/main.ts). */
export interface ViewContext {
  readonly api: StaffApi;
  /** The page's main region; the view fills it. */
  readonly main: HTMLElement;
  readonly route: Route;
  /** The previous page was this screen too (a new search, filter or page): focus stays near the controls. */
  readonly samePage: boolean;
  /** Shows a loading state (and tells assistive technology the region is busy). */
  loading(label: string): void;
  /** Shows why the request failed, as a sentence, with a way to try again; ends the session if it expired. */
  failure(error: unknown, retry: () => void): void;
  /** The page is on screen: sets the title, clears the busy state and moves focus (to its heading by default). */
  done(title: string, focus?: HTMLElement): void;
}

/** A screen: which routes it shows, and how. Listed in views/registry.ts, the first match wins. */
export interface ConsoleView {
  /** Which navigation entry it belongs to (`data-section`), for `aria-current`. */
  section(route: Route): string | undefined;
  matches(route: Route): boolean;
  render(context: ViewContext): void | Promise<void>;
}
