/**
 * What the shipped config leaves out but a config may turn on, built so the tests can hold it to the compliance gate:
 * the dev environment with Slack channels for its alarms (AWS Chatbot).
 */
import { Stage } from 'aws-cdk-lib';
import defaultConfig from '../../regions.config';
import type { GigascaleConfig } from '../../lib/plan';
import { stageName } from '../../lib/facts/names/stage';
import { applyComplianceGate } from '../../stacks/compliance';
import { NetworkStack } from '../../stacks/network/network-stack';
import { ObservabilityStack } from '../../stacks/observability/observability-stack';
import { newApp, planOf } from './synth';

export const SLACK_CHANNELS = [
  { workspaceId: 'T0123ABCDE', channelId: 'C0123ABCDE' },
  { workspaceId: 'T0123ABCDE', channelId: 'C0456FGHIJ' },
] as const;

/** The default config's dev environment alone, its alarms also posted to SLACK_CHANNELS. */
export function slackConfig(): GigascaleConfig {
  const dev = defaultConfig.environments.dev;
  const notifications = { ...dev.observability?.notifications, slackChannels: [...SLACK_CHANNELS] };
  return { environments: { dev: { ...dev, observability: { ...dev.observability, notifications } } } };
}

let synthesized: { readonly stage: Stage; readonly outdir: string } | undefined;

/**
 * slackConfig's dev region stage with the stacks Slack changes (network, observability), behind the gate, synthesized
 * once per test file.
 */
export function synthesizedSlackStage(): { readonly stage: Stage; readonly outdir: string } {
  if (synthesized) return synthesized;
  const environment = planOf({ env: 'dev' }, slackConfig()).environments[0];
  const region = environment.regions[0];
  const app = newApp();
  const stage = new Stage(app, stageName(environment.name, region.name), { env: { account: environment.account, region: region.name } });
  const network = new NetworkStack(stage, 'Network', { environment, region });
  new ObservabilityStack(stage, 'Observability', { environment, region, vpc: network.vpc });
  applyComplianceGate(stage);
  app.synth();
  synthesized = { stage, outdir: app.outdir };
  return synthesized;
}
