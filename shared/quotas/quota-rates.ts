import { defaultCreateRate } from '../config/provisioning-defaults';

/**
 * The account-wide quotas Portico paces itself under, declared once. Each is shared by every function instance and
 * stream shard of a deployment (and, for Cognito, by every pool of the account): a per-instance limiter would exceed
 * it N-fold with N concurrent controllers, so the count lives in the table (account-quota.ts).
 */
export const quotaNames = ['cognitoCreate', 'cognitoUpdate', 'sesSend'] as const;
export type QuotaName = (typeof quotaNames)[number];

export interface QuotaDeclaration {
  /** The environment variable a deployment sets it with (CDK context, `npm start`'s environment). */
  readonly variable: 'COGNITO_CREATE_RATE' | 'COGNITO_UPDATE_RATE' | 'SES_SEND_RATE';
  /** Requests per second when the deployment says nothing: a little under AWS's default. */
  readonly defaultRate: number;
  /** AWS's published default per account and Region (Cognito's docs; SES: a common production start). */
  readonly awsDefault: number;
  readonly description: string;
}

export const quotas: Readonly<Record<QuotaName, QuotaDeclaration>> = {
  cognitoCreate: {
    variable: 'COGNITO_CREATE_RATE',
    defaultRate: defaultCreateRate,
    awsDefault: 50,
    description: 'Cognito UserCreation (AdminCreateUser)',
  },
  cognitoUpdate: {
    variable: 'COGNITO_UPDATE_RATE',
    defaultRate: 22,
    awsDefault: 25,
    description: 'Cognito UserUpdate (enable, disable, attributes, passwords, sign-out, delete)',
  },
  sesSend: { variable: 'SES_SEND_RATE', defaultRate: 13, awsDefault: 14, description: 'SES sending rate' },
};

/** Permits per second of each quota; `Infinity` lifts one (benchmarks against emulators). */
export type QuotaRates = Readonly<Record<QuotaName, number>>;

/** The form each rate variable takes: a positive number, or `unlimited`. */
export const rateVariablePattern = /^(unlimited|[1-9][0-9]*(\.[0-9]+)?)$/;

/** The rates an environment names, each falling back on its default. */
export function quotaRatesFrom(env: Readonly<Record<string, string | undefined>>): QuotaRates {
  const rate = (name: QuotaName) => {
    const value = env[quotas[name].variable];
    if (value === undefined || value === '') return quotas[name].defaultRate;
    if (!rateVariablePattern.test(value))
      throw new Error(`${quotas[name].variable} must be a positive number or 'unlimited'`);
    return value === 'unlimited' ? Infinity : Number(value);
  };
  return { cognitoCreate: rate('cognitoCreate'), cognitoUpdate: rate('cognitoUpdate'), sesSend: rate('sesSend') };
}
