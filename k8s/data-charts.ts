/**
 * The data tier's Kubernetes manifests of one environment in one region, from the plan: the service config ConfigMap
 * (shard map, cache, media, bus) everywhere, and in the write region the migrations Jobs (one per shard, against
 * the shard's writer alias).
 */
import type { App, Chart } from 'cdk8s';
import type { EnvironmentPlan, RegionPlan } from '../lib/config';
import { shardMapDocument } from '../lib/data/shard-map-document';
import { migrationsImage, shardEndpointName, shardName, shardSecretName } from '../lib/naming';
import { MigrationsChart } from './migrations-job';
import { serviceConfigDocument } from '../lib/service-config-document';
import { ServiceConfigChart } from './service-config-chart';

export interface DataChartsProps {
  readonly environment: EnvironmentPlan;
  readonly region: RegionPlan;
  /** Tag of the migration runner image (the package version). */
  readonly imageTag: string;
}

/** Chart ids are file names: cdk8s writes `<id>.k8s.yaml`. */
export function addDataCharts(app: App, props: DataChartsProps): Chart[] {
  const { environment, region } = props;
  const charts: Chart[] = [
    new ServiceConfigChart(app, 'service-config', {
      shardMap: shardMapDocument(environment, region),
      services: serviceConfigDocument(environment, region),
    }),
  ];
  if (region.isWriteRegion) {
    charts.push(
      new MigrationsChart(app, 'migrations', {
        image: migrationsImage(environment.account, region.name, props.imageTag),
        memoryPartitions: environment.database.memoryPartitions,
        shards: Array.from({ length: environment.shards }, (_, s) => ({
          name: shardName(s),
          writerHost: shardEndpointName(environment.name, s, 'writer'),
          secretName: shardSecretName(environment.name, s),
        })),
      }),
    );
  }
  return charts;
}
