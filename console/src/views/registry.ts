/// <reference lib="dom" />
import { listView } from './list-view';
import { recordDetailView } from './record-detail-view';
import { recordFormView } from './record-form-view';
import { portalUsersView } from './portal-users-view';
import { importView } from './import-view';
import { provisioningBacklogView } from './provisioning-backlog-view';
import type { ConsoleView } from './view';

/**
 * The console's screens, in the order the router tries them (the first whose `matches` accepts the route shows it).
 * A screen is one entry here; the shell (main.ts) knows none of them by name.
 */
export const views: readonly ConsoleView[] = [
  portalUsersView,
  importView,
  provisioningBacklogView,
  listView,
  recordFormView,
  recordDetailView,
];
