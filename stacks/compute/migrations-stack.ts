import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as cdk8s from 'cdk8s';
import type { Construct, IDependable } from 'constructs';
import { migrationsConcern } from '../../lib/facts/names/stage';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { ChartManifests } from './chart-manifests';

export interface MigrationsStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The migrations group (lib/facts/shard-groups MIGRATION_SHARDS_PER_GROUP): part of the stack name. */
  readonly group: number;
  /** The region's cluster (the compute stack's), whose kubectl provider applies the charts. */
  readonly cluster: eks.ICluster;
  /** The group's charts (k8s/compute-charts.ts addMigrationCharts): shard secret classes, then the Jobs. */
  readonly charts: readonly cdk8s.Chart[];
  /** Installs that bring the CRDs the charts use (the Secrets Store CSI driver's SecretProviderClass). */
  readonly dependencies: readonly IDependable[];
}

/**
 * `<env>-<region>-migrations-<k>` (write region): the Kubernetes objects of one group of shards, whose size grows with
 * the shard count, kept out of the compute stack so that stack's template does not (ARCHITECTURE principle 4). It
 * holds only manifests, applied through the compute stack's cluster.
 */
export class MigrationsStack extends RegionalStack {
  readonly manifests: ChartManifests;

  constructor(scope: Construct, id: string, props: MigrationsStackProps) {
    super(scope, id, { ...props, concern: migrationsConcern(props.group) });
    this.manifests = new ChartManifests(this, 'Manifests', { cluster: props.cluster, charts: props.charts, dependencies: props.dependencies });
  }
}
