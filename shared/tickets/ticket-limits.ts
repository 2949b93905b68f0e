/** Tickets a person may raise on the portal per day when the deployment does not say (PORTAL_TICKETS_PER_DAY). */
export const defaultPortalTicketsPerDay = 20;
