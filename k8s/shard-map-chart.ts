/**
 * The shard map document of one region as a ConfigMap, for services and the probe to mount
 * (lib/data/shard-map-document.ts says what is in it). One JSON key, `shard-map.json`, with sorted keys.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import type { ShardMapDocument } from '../lib/data/shard-map-document';
import { GigascaleError } from '../lib/errors';
import { sortedJson } from '../lib/json';
import { K8S_NAMESPACE, SHARD_MAP_CONFIGMAP } from '../lib/naming';

/** Kubernetes refuses a ConfigMap over 1 MiB (etcd's object limit). */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;

export interface ShardMapChartProps {
  /** The region's shard map document. */
  readonly document: ShardMapDocument;
  /** Namespace of the ConfigMap. @default 'gigascale' */
  readonly namespace?: string;
}

export class ShardMapChart extends Chart {
  readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: ShardMapChartProps) {
    super(scope, id, { namespace: props.namespace ?? K8S_NAMESPACE, disableResourceNameHashes: true });
    // Indented, so a reviewer reads one shard per few lines in the rendered YAML diff.
    const json = sortedJson(props.document, 2);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_CONFIGMAP_BYTES) {
      throw new GigascaleError('Invalid ShardMapChart props', [
        {
          at: `${this.node.path} document`,
          message: `the shard map of ${props.document.shardCount} shards is ${bytes} bytes, more than a ConfigMap holds (${MAX_CONFIGMAP_BYTES}); split it before going past this shard count`,
        },
      ]);
    }
    this.configMap = new kplus.ConfigMap(this, 'ShardMap', {
      metadata: {
        name: SHARD_MAP_CONFIGMAP,
        labels: { 'app.kubernetes.io/part-of': 'gigascale', 'gigascale/region': props.document.region },
      },
      data: { 'shard-map.json': json },
    });
  }
}
