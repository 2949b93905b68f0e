/** Days an approved registration protects the partner when the deployment does not say (DEAL_PROTECTION_DAYS). */
export const defaultDealProtectionDays = 90;

/** Days a registration may wait for review before the daily run expires it. */
export const submittedRegistrationDays = 30;
