import { Annotations, CfnOutput, Lazy, Stack, type CfnOutputProps, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { cloudOutputNames, outputNames, type CloudOutputName, type StackOutputs } from '../outputs';
import { PorticoAlarms } from './alarms';
import { PorticoApi } from './api';
import type { DeploymentConfig } from './config';
import { PorticoData } from './data';
import { PorticoEmail } from './email';
import { PorticoIdentity } from './identity';
import { PorticoFunctions } from './lambda-functions';
import { PorticoFiles } from './files-bucket';
import { PortalOriginSecret } from './origin-secret';
import { PorticoPortalWeb } from './portal-web';
import { filesBucketOrigin } from '../portal-web';
import { createTopicKey } from './topics';

export interface PorticoStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * The whole back end in one stack. Its shape is derived from the declarations under infra/ and shared/
 * (function registry, route table, table design, user pools); this file only wires the parts together.
 */
export class PorticoStack extends Stack {
  readonly data: PorticoData;
  readonly identity: PorticoIdentity;
  readonly email: PorticoEmail;
  readonly functions: PorticoFunctions;
  readonly api: PorticoApi;
  readonly portalWeb: PorticoPortalWeb;
  readonly staffConsole: PorticoPortalWeb;
  readonly alarms: PorticoAlarms;
  readonly originSecret: PortalOriginSecret;
  readonly files: PorticoFiles;

  constructor(scope: Construct, id: string, props: PorticoStackProps) {
    super(scope, id, props);
    const { config } = props;

    // The web app's own address (its custom domain's, or the distribution's), the default for the portal's redirect
    // URLs and invitation link. Its distribution needs the API, which needs the pools, so they take it lazily
    // (CloudFormation sees no cycle: the distribution names the API and the login domain only, never the client or
    // the functions).
    const portalWebUrl = Lazy.string({ produce: () => this.portalWeb.url });
    const staffWebUrl = Lazy.string({ produce: () => this.staffConsole.url });

    this.data = new PorticoData(this, 'Data');
    const topicKey = createTopicKey(this, 'TopicKey');
    const originSecret = new PortalOriginSecret(this, 'PortalOriginSecret', { versionId: config.originSecretVersion });
    this.originSecret = originSecret;
    this.email = new PorticoEmail(this, 'Email', {
      senderEmail: config.senderEmail,
      senderDomain: config.senderDomain,
      topicKey,
    });
    this.identity = new PorticoIdentity(this, 'Identity', {
      portalCallbackUrls: config.portalCallbackUrls ?? [portalWebUrl],
      portalLogoutUrls: config.portalLogoutUrls ?? [portalWebUrl],
      staffConsoleUrls: [staffWebUrl],
      domainPrefix: config.domainPrefix,
      portalEmail: {
        email: this.email,
        senderEmail: config.senderEmail,
        senderDomain: config.senderDomain,
        organizationName: config.organizationName,
      },
      branding: config.branding,
    });
    // Browsers upload and download files from the portal app and the staff console (the API's CORS origins).
    const portalWebOrigin = Lazy.string({ produce: () => this.portalWeb.url.replace(/\/$/, '') });
    const staffWebOrigin = Lazy.string({ produce: () => this.staffConsole.url.replace(/\/$/, '') });
    this.files = new PorticoFiles(this, 'Files', {
      allowedOrigins: [portalWebOrigin, staffWebOrigin, ...config.allowedOrigins],
    });
    this.functions = new PorticoFunctions(this, 'Functions', {
      table: this.data.table,
      portalUserPool: this.identity.pools.portal.pool,
      staffUserPool: this.identity.pools.staff.pool,
      email: this.email,
      provisioning: {
        senderEmail: config.senderEmail,
        portalSignInUrl: config.portalSignInUrl ?? portalWebUrl,
        cognitoCreateRate: config.cognitoCreateRate,
        cognitoUpdateRate: config.cognitoUpdateRate,
        sesSendRate: config.sesSendRate,
      },
      timeZone: config.timeZone,
      originSecret: originSecret.secret,
      supportReminderDays: config.supportReminderDays,
      branding: config.branding,
      filesBucket: this.files.bucket,
    });
    this.api = new PorticoApi(this, 'Api', {
      functions: this.functions.byName,
      pools: this.identity.pools,
      allowedOrigins: config.allowedOrigins,
      throttle: config.apiThrottle,
    });
    const { portal } = this.identity.pools;
    if (!portal.loginDomain)
      throw new Error('The portal user pool must declare hostedLogin: the web app signs in there');
    this.portalWeb = new PorticoPortalWeb(this, 'PortalWeb', {
      httpApi: this.api.httpApi,
      loginUrl: portal.loginDomain.baseUrl(),
      clientId: portal.client.userPoolClientId,
      customDomain: config.portalDomain,
      apiOriginHeaders: originSecret.originHeaders,
      branding: config.branding,
      filesOrigin: filesBucketOrigin(this.files.regionalDomainName),
    });
    const { staff } = this.identity.pools;
    if (!staff.loginDomain || !staff.consoleClient)
      throw new Error('The staff user pool must declare consoleClientName: the staff console signs in there');
    this.staffConsole = new PorticoPortalWeb(this, 'StaffConsole', {
      app: 'console',
      httpApi: this.api.httpApi,
      loginUrl: staff.loginDomain.baseUrl(),
      clientId: staff.consoleClient.userPoolClientId,
      apiOriginHeaders: originSecret.originHeaders,
      branding: config.branding,
      filesOrigin: filesBucketOrigin(this.files.regionalDomainName),
    });
    this.alarms = new PorticoAlarms(this, 'Alarms', {
      topicKey,
      alarmEmail: config.alarmEmail,
      streams: this.functions.streamConsumers,
      asyncConsumers: this.functions.asyncConsumers,
      scheduled: this.functions.scheduled,
      httpApi: this.api.httpApi,
    });

    for (const warning of config.warnings) Annotations.of(this).addWarningV2('portico:config-default', warning);
    this.addOutputs();
  }

  /** Output ids are the shared names verbatim, so scripts read the cloud and `.local/outputs.json` alike. */
  private addOutputs(): void {
    const { staff, portal } = this.identity.pools;
    if (!portal.loginDomain) throw new Error('The portal user pool must declare hostedLogin: PortalLoginUrl needs it');
    // A Record over OutputName: an output added to outputNames without a value here does not compile.
    const values: StackOutputs = {
      ApiUrl: this.api.stage.url,
      StaffUserPoolId: staff.pool.userPoolId,
      StaffClientId: staff.client.userPoolClientId,
      PortalUserPoolId: portal.pool.userPoolId,
      PortalClientId: portal.client.userPoolClientId,
      // Base URL of the hosted login; the web app appends /oauth2/authorize, /logout, etc.
      PortalLoginUrl: portal.loginDomain.baseUrl(),
      PortalWebUrl: this.portalWeb.url,
      StaffWebUrl: this.staffConsole.url,
      StaffConsoleClientId: staff.consoleClient!.userPoolClientId,
      StaffLoginUrl: staff.loginDomain!.baseUrl(),
      TableName: this.data.table.tableName,
      FilesBucketName: this.files.bucket.bucketName,
    };
    for (const name of outputNames) new CfnOutput(this, name, { value: values[name] });

    // Cloud-only outputs, each present only with the setting it reports (undefined: no output).
    const { customDomain, distribution } = this.portalWeb;
    const cloudOutputs: Record<CloudOutputName, CfnOutputProps | undefined> = {
      PortalWebDistributionDomain: customDomain && {
        value: distribution.distributionDomainName,
        description: `Point ${customDomain.domainName} here: a CNAME record, or a Route 53 alias (A and AAAA) to the distribution`,
      },
    };
    for (const name of cloudOutputNames) {
      const output = cloudOutputs[name];
      if (output) new CfnOutput(this, name, output);
    }
  }
}
