/**
 * The service config of one region as a ConfigMap, for services and the probe to mount: `shard-map.json` (the shard
 * map document, lib/views/shard-map-document.ts) and `services.json` (cache, media and bus, lib/views/service-config-document.ts).
 * JSON with sorted keys, indented, so a reviewer reads the rendered YAML diff line by line.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import type { ShardMapDocument } from '../lib/views/shard-map-document';
import { GigascaleError } from '../lib/util/errors';
import { sortedJson } from '../lib/util/json';
import { K8S_NAMESPACE, SERVICE_CONFIG_CONFIGMAP } from '../lib/facts/names/k8s';
import type { ServiceConfigDocument } from '../lib/views/service-config-document';

/** Kubernetes refuses a ConfigMap over 1 MiB (etcd's object limit). */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;

export interface ServiceConfigChartProps {
  /** The region's shard map document. */
  readonly shardMap: ShardMapDocument;
  /** The region's cache, media and bus document. */
  readonly services: ServiceConfigDocument;
  /** Namespace of the ConfigMap. @default 'gigascale' */
  readonly namespace?: string;
}

export class ServiceConfigChart extends Chart {
  readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: ServiceConfigChartProps) {
    super(scope, id, { namespace: props.namespace ?? K8S_NAMESPACE, disableResourceNameHashes: true });
    const data = { 'services.json': sortedJson(props.services, 2), 'shard-map.json': sortedJson(props.shardMap, 2) };
    const bytes = Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8'), 0);
    if (bytes > MAX_CONFIGMAP_BYTES) {
      throw new GigascaleError('Invalid ServiceConfigChart props', [
        {
          at: `${this.node.path} shardMap`,
          message: `the service config with a shard map of ${props.shardMap.shardCount} shards is ${bytes} bytes, more than a ConfigMap holds (${MAX_CONFIGMAP_BYTES}); split the shard map before going past this shard count`,
        },
      ]);
    }
    this.configMap = new kplus.ConfigMap(this, 'ServiceConfig', {
      metadata: {
        name: SERVICE_CONFIG_CONFIGMAP,
        labels: { 'app.kubernetes.io/part-of': 'gigascale', 'gigascale/region': props.shardMap.region },
      },
      data,
    });
  }
}
