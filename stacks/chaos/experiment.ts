import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FIS_ACTIONS, FIS_MANAGED_TAG } from '../../lib/facts/fis-actions';
import { experimentProblems, type ExperimentSpec } from '../../lib/views/chaos-plan';
import { GigascaleError } from '../../lib/util/errors';

export interface ExperimentProps {
  /** The experiment as lib/views/chaos-plan.ts derives it; its schedule is the stack's business. */
  readonly spec: Omit<ExperimentSpec, 'schedule'>;
  /** Where FIS writes the experiment's log (schema 2). */
  readonly logGroup: logs.ILogGroup;
}

/**
 * One AWS FIS experiment template with a role of its own. Refuses, at synth, an experiment that no alarm stops, whose
 * timed faults have no bounded end, or that FIS would refuse (lib/views/chaos-plan.ts experimentProblems), listing
 * every problem at once. The role may do what the experiment's actions need on what its targets can resolve to, and
 * nothing else (AWS FIS User Guide, "IAM roles for AWS FIS experiments"); only FIS may assume it, for experiments of
 * this account and region (the confused-deputy conditions the same page recommends).
 */
export class Experiment extends Construct {
  readonly template: fis.CfnExperimentTemplate;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ExperimentProps) {
    super(scope, id);
    const { spec } = props;
    const problems = experimentProblems(spec);
    if (problems.length > 0) throw new GigascaleError(`Experiment ${spec.name} refused`, problems);
    const stack = Stack.of(this);

    this.role = new iam.Role(this, 'Role', {
      roleName: spec.name,
      description: `AWS FIS runs ${spec.name} as this role`,
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'fis', resource: 'experiment', resourceName: '*' }) },
        },
      }),
    });
    new iam.ManagedPolicy(this, 'Policy', {
      description: `What ${spec.name} does, on what it may hit`,
      roles: [this.role],
      statements: [...faultStatements(spec, stack), ...logDeliveryStatements(stack)],
    });

    const alarmArn = (name: string): string => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.template = new fis.CfnExperimentTemplate(this, 'Template', {
      description: spec.description,
      roleArn: this.role.roleArn,
      stopConditions: spec.stopAlarms.map((name) => ({ source: 'aws:cloudwatch:alarm', value: alarmArn(name) })),
      targets: Object.fromEntries(
        Object.entries(spec.targets).map(([name, t]) => [
          name,
          {
            resourceType: t.resourceType,
            selectionMode: t.selectionMode,
            resourceTags: t.resourceTags,
            resourceArns: t.resourceArns ? [...t.resourceArns] : undefined,
            filters: t.filters?.map((f) => ({ path: f.path, values: [...f.values] })),
            parameters: t.parameters,
          },
        ]),
      ),
      actions: Object.fromEntries(
        Object.entries(spec.actions).map(([name, a]) => {
          const { targetKey } = FIS_ACTIONS[a.actionId];
          return [
            name,
            {
              actionId: a.actionId,
              description: a.description,
              parameters: Object.keys(a.parameters).length > 0 ? a.parameters : undefined,
              targets: targetKey && a.target ? { [targetKey]: a.target } : undefined,
              startAfter: a.startAfter ? [...a.startAfter] : undefined,
            },
          ];
        }),
      ),
      // cloudWatchLogsConfiguration is untyped in aws-cdk-lib and passed as is: CloudFormation's own (PascalCase)
      // names. Schema 2 logs the targets' resolution and each action's outcome (AWS FIS User Guide, "Experiment logging").
      logConfiguration: { logSchemaVersion: 2, cloudWatchLogsConfiguration: { LogGroupArn: props.logGroup.logGroupArn } },
      // A target that resolves to nothing fails the experiment: a run that hit nothing must not pass as one that held.
      experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
      tags: { Name: spec.name },
    });
  }
}

/** Per action: its actions on the targets' resources, on what FIS creates and tags, and the descriptions IAM cannot scope. */
function faultStatements(spec: ExperimentProps['spec'], stack: Stack): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  const managedResources = [stack.formatArn({ service: 'ec2', resource: '*' })];
  const granted = new Set<string>();
  for (const [name, action] of Object.entries(spec.actions)) {
    // An action that runs twice (a failover and its failback) needs its permissions once.
    if (granted.has(`${action.actionId} ${action.target}`)) continue;
    granted.add(`${action.actionId} ${action.target}`);
    const known = FIS_ACTIONS[action.actionId];
    const target = action.target ? spec.targets[action.target] : undefined;
    const sid = `${name.replace(/[^A-Za-z0-9]/g, '')}`;
    if (target && known.onTargets.length > 0) {
      statements.push(new iam.PolicyStatement({ sid: `${sid}OnTargets`, actions: [...known.onTargets], resources: [...target.iamResources], conditions: target.iamCondition }));
    }
    if (target && 'onTargetsIf' in known) {
      statements.push(new iam.PolicyStatement({ sid: `${sid}OnTargetsIf`, actions: [...known.onTargetsIf.actions], resources: [...target.iamResources], conditions: known.onTargetsIf.condition }));
    }
    const { create, change } = known.onManaged;
    // What FIS creates carries its tag from the request on; what it changes or deletes is what it tagged.
    if (create.length > 0) {
      statements.push(new iam.PolicyStatement({ sid: `${sid}CreateTagged`, actions: [...create], resources: managedResources, conditions: { StringEquals: { [`aws:RequestTag/${FIS_MANAGED_TAG.key}`]: FIS_MANAGED_TAG.value } } }));
    }
    if (change.length > 0) {
      statements.push(new iam.PolicyStatement({ sid: `${sid}ChangeTagged`, actions: [...change], resources: managedResources, conditions: { StringEquals: { [`aws:ResourceTag/${FIS_MANAGED_TAG.key}`]: FIS_MANAGED_TAG.value } } }));
    }
    if (known.unscoped.length > 0) statements.push(new iam.PolicyStatement({ sid: `${sid}Describe`, actions: [...known.unscoped], resources: ['*'] }));
  }
  return statements;
}

/**
 * What FIS needs to deliver the experiment's log to CloudWatch Logs as the role: a log delivery, and the log group's
 * resource policy for the delivery service (Amazon CloudWatch Logs User Guide, "Enabling logging from AWS services":
 * logs:CreateLogDelivery has no resource-level permission; the resource policy is the account's, per region).
 */
function logDeliveryStatements(stack: Stack): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ sid: 'DeliverLogs', actions: ['logs:CreateLogDelivery'], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'AllowLogDelivery',
      actions: ['logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
      resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }),
  ];
}
