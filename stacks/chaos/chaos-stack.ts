import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { CHAOS_LOG_RETENTION_DAYS } from '../../lib/facts/chaos';
import { FIS_ACTIONS } from '../../lib/facts/fis-actions';
import { clusterName } from '../../lib/facts/names/compute';
import { FIS_KUBERNETES_USER } from '../../lib/facts/names/k8s';
import { chaosKeyAlias, chaosSchedulerRoleName, experimentLogGroupName } from '../../lib/facts/names/chaos';
import { weeklyCron } from '../../lib/facts/week';
import { regionChaosPlan, type RegionChaosPlan } from '../../lib/views/chaos-plan';
import { pascalCase } from '../../lib/util/strings';
import type { EnvironmentPlan, RegionPlan } from '../../lib/plan';
import { customerKey } from '../customer-key';
import { encryptedLogGroup } from '../logs-key-grant';
import { RegionalStack } from '../regional-stack';
import { Experiment } from './experiment';

export interface ChaosStackProps {
  readonly environment: EnvironmentPlan;
  readonly region: RegionPlan;
}

/**
 * EventBridge Scheduler's universal target for the FIS API's StartExperiment (EventBridge Scheduler User Guide,
 * "Using universal targets").
 */
const START_EXPERIMENT_TARGET = 'arn:aws:scheduler:::aws-sdk:fis:startExperiment';

/**
 * The region's failure experiments (AWS FIS templates, lib/views/chaos-plan.ts), the log group they write to, the
 * cluster access of the pod experiment, and the weekly schedules that start them, enabled or not as the environment's `chaos.schedule.enabled` says. The stop
 * conditions name the region's alarms, which the observability and tier stacks create first.
 */
export class ChaosStack extends RegionalStack {
  readonly plan: RegionChaosPlan;
  readonly key: kms.Key;
  readonly experiments: readonly Experiment[];
  readonly schedules: readonly scheduler.CfnSchedule[];

  constructor(scope: Construct, id: string, props: ChaosStackProps) {
    const { environment, region } = props;
    super(scope, id, { environment, region, concern: 'chaos' });
    this.plan = regionChaosPlan(environment, region);
    const env = environment.name;

    this.key = customerKey(this, 'ChaosKey', { description: `Failure experiments of ${env} in ${region.name}: their logs`, alias: chaosKeyAlias(env) });
    const logGroup = encryptedLogGroup(this, 'ExperimentLogs', {
      logGroupName: experimentLogGroupName(env, region.name),
      key: this.key,
      retentionDays: CHAOS_LOG_RETENTION_DAYS,
    });
    this.experiments = this.plan.experiments.map((spec) => new Experiment(this, pascalCase(spec.key), { spec, logGroup }));
    // A pod experiment's role acts in the cluster as the Kubernetes user the namespace's RoleBinding names
    // (k8s/fis-chart.ts): an access entry with no access policy, so the RoleBinding is all it may do.
    for (const [i, spec] of this.plan.experiments.entries()) {
      if (!Object.values(spec.actions).some((a) => 'kubernetesUser' in FIS_ACTIONS[a.actionId])) continue;
      new eks.CfnAccessEntry(this, `${pascalCase(spec.key)}Access`, {
        clusterName: clusterName(env, region.name),
        principalArn: this.experiments[i].role.roleArn,
        type: 'STANDARD',
        username: FIS_KUBERNETES_USER,
      });
    }

    const role = new iam.Role(this, 'SchedulerRole', {
      roleName: chaosSchedulerRoleName(env, region.name),
      description: `EventBridge Scheduler starts the failure experiments of ${env} in ${region.name} as this role`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
    });
    new iam.ManagedPolicy(this, 'SchedulerPolicy', {
      description: `Start the failure experiments of ${env} in ${region.name}, and no others`,
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'StartExperiments',
          actions: ['fis:StartExperiment'],
          // StartExperiment authorizes on the template and on the experiment it creates (Service Authorization
          // Reference, "Actions defined by AWS Fault Injection Service"); the experiment's id is FIS's.
          resources: [...this.experiments.map((e) => templateArn(this, e)), this.formatArn({ service: 'fis', resource: 'experiment', resourceName: '*' })],
        }),
      ],
    });

    this.schedules = this.plan.experiments.map((spec, i) => {
      const experiment = this.experiments[i];
      return new scheduler.CfnSchedule(this, `${pascalCase(spec.key)}Schedule`, {
        name: spec.name,
        description: `Weekly run of the failure experiment ${spec.name}`,
        scheduleExpression: weeklyCron(spec.schedule),
        scheduleExpressionTimezone: 'UTC',
        flexibleTimeWindow: { mode: 'OFF' },
        state: this.plan.scheduled ? 'ENABLED' : 'DISABLED',
        target: {
          arn: START_EXPERIMENT_TARGET,
          roleArn: role.roleArn,
          // The execution id is unique to each run: FIS starts one experiment per run, however often it is retried.
          input: Stack.of(this).toJsonString({ ClientToken: '<aws.scheduler.execution-id>', ExperimentTemplateId: experiment.template.ref }),
          // A failure experiment that did not start is reported, not retried into the next slot.
          retryPolicy: { maximumRetryAttempts: 0 },
        },
      });
    });
  }
}

function templateArn(stack: Stack, experiment: Experiment): string {
  return stack.formatArn({ service: 'fis', resource: 'experiment-template', resourceName: experiment.template.ref, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}
