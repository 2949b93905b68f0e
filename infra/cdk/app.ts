/**
 * CDK entry point (`cdk.json` runs it with tsx). Synth needs no AWS credentials and no network: the stack
 * is environment-agnostic unless the CLI supplies an account and region (it does when credentials exist),
 * and functions are bundled by the local esbuild, never Docker.
 *
 * cdk-nag's AwsSolutions checks run on every synth and deploy: an unacknowledged error fails them, and warnings
 * are listed. The acknowledgements are the ones in nag-acknowledgements.ts, which the cdk-nag test applies too.
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackName } from '../outputs';
import { ConfigError, parseDeploymentConfig } from './config';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { PorticoStack } from './portico-stack';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

try {
  const config = parseDeploymentConfig((key) => app.node.tryGetContext(key));
  const stack = new PorticoStack(app, stackName, {
    config,
    stackName,
    description: 'Portico: serverless back end of the CRM partner and customer portal',
    // Undefined values leave the stack environment-agnostic (region and account become deploy-time tokens).
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Tags.of(stack).add('project', 'portico');
  acknowledgeNagFindings(stack);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A readable list of what to fix, not a stack trace through CDK internals.
  console.error(error.message);
  process.exit(1);
}
