import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { BOOTSTRAP_QUALIFIER, PIPELINE_LOG_RETENTION_DAYS, PROBE_GATE_WAIT_MINUTES } from '../../lib/facts/pipeline';
import { customerKey } from '../customer-key';
import { encryptedLogGroup } from '../logs-key-grant';
import { PIPELINE_KEY_ALIAS, PIPELINE_LOG_GROUP_NAME, PIPELINE_NAME, pipelineSchedulerRoleName } from '../../lib/facts/names/pipeline';
import type { EnvironmentPlan, PipelinePlan } from '../../lib/plan';
import { pipelineWaves } from '../../lib/views/pipeline-plan';
import { probeGateAlarmNames } from '../../lib/views/probe-gate';
import { weeklyCron } from '../../lib/facts/week';
import type { RegionStage } from '../stage';

export interface PipelineStackProps extends StackProps {
  readonly pipeline: PipelinePlan;
  /** Every environment of the plan, in config order. */
  readonly environments: readonly EnvironmentPlan[];
  /** The stages bin/app.ts synthesizes: the pipeline deploys these very ones. */
  readonly stages: readonly RegionStage[];
  /** The CDK CLI the pipeline's own steps install (package.json's, so the pipeline deploys what `npx cdk` here would). */
  readonly cliVersion: string;
}

/** Installs the project as CI does: the lockfile's versions, no audit or funding requests. */
const NPM_CI = 'npm ci --no-audit --no-fund';

/** `arn:aws:iam::<account>:role/cdk-hnb659fds-<kind>-role-<account>-<region>`: a role of the CDK bootstrap stack. */
function bootstrapRoleArn(kind: 'deploy' | 'file-publishing' | 'lookup', account: string, region: string): string {
  return `arn:aws:iam::${account}:role/cdk-${BOOTSTRAP_QUALIFIER}-${kind}-role-${account}-${region}`;
}

/**
 * Commands that make `--profile target` the given role, assumed with the CodeBuild project's own credentials (AWS CLI
 * User Guide, "Using an IAM role in the AWS CLI": credential_source EcsContainer is CodeBuild's container role).
 */
function targetProfile(roleArn: string): string[] {
  return [`aws configure set profile.target.role_arn ${roleArn}`, 'aws configure set profile.target.credential_source EcsContainer'];
}

/**
 * The deploy pipeline (CDK Pipelines) in the tooling account: the repository's branch, synthesized as `npx cdk synth`
 * synthesizes it here; the pipeline updates itself first (self-mutation), then deploys the stages wave by wave in
 * the order lib/views/pipeline-plan.ts gives, each stage's stacks in their dependency order, with:
 * - before a production environment: a manual approval;
 * - before each production region: its change sets prepared and checked (review/change-sets.sh), refusing a
 *   destructive change the config does not allow;
 * - after each region: the probe gate (lib/views/probe-gate.ts), which stops the promotion unless the region's probe,
 *   flow and composite alarms are all OK after PROBE_GATE_WAIT_MINUTES.
 * A weekly schedule starts it without a push, so a change ships at least weekly.
 */
export class PipelineStack extends Stack {
  readonly pipeline: pipelines.CodePipeline;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { pipeline: p, environments, stages, cliVersion } = props;
    const key = customerKey(this, 'PipelineKey', { description: 'The deploy pipeline: its build logs', alias: PIPELINE_KEY_ALIAS });
    const logGroup = encryptedLogGroup(this, 'BuildLogs', { logGroupName: PIPELINE_LOG_GROUP_NAME, key, retentionDays: PIPELINE_LOG_RETENTION_DAYS });
    const source = pipelines.CodePipelineSource.connection(p.repository, p.branch, { connectionArn: p.connectionArn, triggerOnPush: true });
    const synth = new pipelines.ShellStep('Synth', { input: source, commands: [NPM_CI, 'npx cdk synth'], primaryOutputDirectory: 'cdk.out' });
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: PIPELINE_NAME,
      synth,
      selfMutation: true,
      // The environments are other accounts: the artifacts are encrypted with a key they can be granted.
      crossAccountKeys: true,
      enableKeyRotation: true,
      cliVersion,
      // One CloudFormation action per stack: the change sets a production region deploys were reviewed in its pre
      // step, and CodePipeline allows 50 actions per stage (the write region of 256 shards has 46 stacks).
      useChangeSets: false,
      // Every build (synth, self-mutation, assets, the gates) logs to one encrypted group with a retention.
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0 },
        timeout: Duration.minutes(60),
        logging: { cloudWatch: { logGroup } },
      },
    });

    const byName = new Map(stages.map((s) => [s.stageName, s]));
    for (const wave of pipelineWaves({ environments })) {
      const stage = byName.get(wave.stage);
      if (!stage) throw new Error(`the pipeline has no stage ${wave.stage} to deploy; have ${[...byName.keys()].join(', ')}`);
      const { environment, region } = wave;
      const account = environment.account;
      const pre: pipelines.Step[] = [];
      if (wave.reviewChangeSets) {
        pre.push(
          new pipelines.CodeBuildStep(`ReviewChangeSets-${wave.stage}`, {
            input: source,
            additionalInputs: { 'cdk.out': synth.primaryOutput! },
            commands: [
              NPM_CI,
              ...targetProfile(bootstrapRoleArn('deploy', account, region.name)),
              `AWS="aws --profile target" review/change-sets.sh '${wave.stage}/*' ${PIPELINE_NAME}-review`,
            ],
            rolePolicyStatements: [assumeRoles((['deploy', 'file-publishing', 'lookup'] as const).map((k) => bootstrapRoleArn(k, account, region.name)))],
          }),
        );
      }
      if (wave.approval) {
        // After the review: the approver sees the change sets passed before promoting to production traffic.
        const approval = new pipelines.ManualApprovalStep(`Promote-${environment.name}`, {
          comment: `Promote the change to ${environment.name} (production traffic): the environments before it passed their probe gates, and ${wave.stage}'s change sets their review`,
        });
        for (const step of pre) approval.addStepDependency(step);
        pre.push(approval);
      }
      const alarms = probeGateAlarmNames(environment, region);
      const post = new pipelines.CodeBuildStep(`ProbeGate-${wave.stage}`, {
        input: source,
        commands: [
          NPM_CI,
          // The probe's alarms breach within 5 minutes of a break, missing data included.
          `sleep ${PROBE_GATE_WAIT_MINUTES * 60}`,
          ...targetProfile(bootstrapRoleArn('lookup', account, region.name)),
          `aws cloudwatch describe-alarms --profile target --region ${region.name} --alarm-types MetricAlarm CompositeAlarm --output json --alarm-names ${alarms.join(' ')} > alarms.json`,
          `npm run -s probe-gate -- --env ${environment.name} --region ${region.name} --alarms alarms.json`,
        ],
        rolePolicyStatements: [assumeRoles([bootstrapRoleArn('lookup', account, region.name)])],
      });
      this.pipeline.addWave(wave.stage, { pre }).addStage(stage, { post: [post] });
    }
    this.pipeline.buildPipeline();

    const role = new iam.Role(this, 'WeeklyRunRole', {
      roleName: pipelineSchedulerRoleName(),
      description: `EventBridge Scheduler starts ${PIPELINE_NAME} weekly as this role`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
    });
    new iam.ManagedPolicy(this, 'WeeklyRunPolicy', {
      description: `Start ${PIPELINE_NAME}, and nothing else`,
      roles: [role],
      statements: [new iam.PolicyStatement({ sid: 'StartPipeline', actions: ['codepipeline:StartPipelineExecution'], resources: [this.pipeline.pipeline.pipelineArn] })],
    });
    new scheduler.CfnSchedule(this, 'WeeklyRun', {
      name: `${PIPELINE_NAME}-weekly`,
      description: `Runs ${PIPELINE_NAME} every week, so a change ships at least weekly`,
      scheduleExpression: weeklyCron({ day: p.weeklyRun.day, hour: p.weeklyRun.hourUtc, minute: 0 }),
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: 'arn:aws:scheduler:::aws-sdk:codepipeline:startPipelineExecution',
        roleArn: role.roleArn,
        input: Stack.of(this).toJsonString({ Name: PIPELINE_NAME }),
        retryPolicy: { maximumRetryAttempts: 0 },
      },
    });
  }
}

function assumeRoles(arns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [...arns] });
}
