import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as cdk8s from 'cdk8s';
import { Construct, type IDependable } from 'constructs';
import { GigascaleError, type Issue } from '../../lib/util/errors';
import { pascalCase } from '../../lib/util/strings';

/**
 * Most bytes the objects of one manifest may serialize to. CloudFormation hands the whole manifest to the kubectl
 * provider's Lambda inside the custom resource event, and large manifests fail there (aws-cdk#17362, #19165); the
 * template also carries every manifest, and counts against the stack's 800 KB guard.
 */
export const MAX_MANIFEST_BYTES = 200_000;

/**
 * Bytes KubernetesManifest adds to each object when pruning is on: the label `aws.cdk.eks/prune-<42-character
 * address>: ""` and its JSON punctuation (about 70 bytes), rounded up.
 */
export const PRUNE_LABEL_BYTES = 100;

/** Id of the chart holding the namespaces: applied before every other manifest. */
export const NAMESPACES_CHART_ID = 'namespaces';

/** A Kubernetes object as cdk8s renders it. */
export type K8sObject = Record<string, unknown>;

export interface ChartManifestsProps {
  /** The cluster to apply the charts to; it must have a kubectl provider. */
  readonly cluster: eks.ICluster;
  /** Charts to apply, in this order; each becomes one manifest, or several when it is too large for one. */
  readonly charts: readonly cdk8s.Chart[];
  /**
   * What every manifest waits for: the installs that bring the CRDs the charts use (the AWS Load Balancer
   * Controller's TargetGroupBinding, the Secrets Store CSI driver's SecretProviderClass).
   * @default - none
   */
  readonly dependencies?: readonly IDependable[];
  /**
   * Most bytes one manifest may serialize to (objects plus prune labels).
   * @default MAX_MANIFEST_BYTES
   */
  readonly maxManifestBytes?: number;
}

/** Serialized size of one object inside a manifest, with its prune label. */
export function objectBytes(object: K8sObject): number {
  return Buffer.byteLength(JSON.stringify(object), 'utf8') + PRUNE_LABEL_BYTES;
}

/** A chart's objects in groups of whole objects, in chart order, each group under `maxBytes` (the JSON array's brackets and commas included). */
export function packObjects(objects: readonly K8sObject[], maxBytes: number): K8sObject[][] {
  const parts: K8sObject[][] = [];
  let current: K8sObject[] = [];
  let size = 2; // []
  for (const object of objects) {
    const bytes = objectBytes(object) + 1; // the comma
    if (current.length > 0 && size + bytes > maxBytes) {
      parts.push(current);
      current = [];
      size = 2;
    }
    current.push(object);
    size += bytes;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function describe(object: K8sObject): string {
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
  const name = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
  return `${String(object.kind)} ${name}`;
}

/**
 * Applies cdk8s charts to a cluster the way `cluster.addCdk8sChart` does (one KubernetesManifest per chart,
 * pruned), but splits a chart whose objects serialize to more than `maxManifestBytes` into parts of whole objects,
 * ids `<Chart>Part1`, `<Chart>Part2`, ... A single object over the limit cannot be split and is an error.
 *
 * The `namespaces` chart is applied first: every other manifest depends on it, and all of them on `dependencies`.
 * A part boundary moves only when a chart's objects grow or shrink, so parts stay stable between deploys.
 */
export class ChartManifests extends Construct {
  /** Every manifest, in chart order and part order within a chart. */
  readonly manifests: readonly eks.KubernetesManifest[];

  constructor(scope: Construct, id: string, props: ChartManifestsProps) {
    super(scope, id);
    const maxBytes = props.maxManifestBytes ?? MAX_MANIFEST_BYTES;

    const issues: Issue[] = [];
    const rendered = props.charts.map((chart) => {
      const objects = chart.toJson() as K8sObject[];
      for (const object of objects) {
        const bytes = objectBytes(object) + 2;
        if (bytes > maxBytes) {
          issues.push({
            at: this.node.path,
            message:
              `chart ${chart.node.id}: ${describe(object)} serializes to ${bytes} bytes, over the ${maxBytes}-byte limit of one ` +
              'manifest (aws-cdk#17362: the kubectl provider receives the manifest in its event); split the object',
          });
        }
      }
      return { chart, objects };
    });
    if (issues.length > 0) throw new GigascaleError('Invalid chart manifests', issues);

    const manifests: eks.KubernetesManifest[] = [];
    let namespaces: eks.KubernetesManifest[] = [];
    for (const { chart, objects } of rendered) {
      const parts = packObjects(objects, maxBytes);
      const base = pascalCase(chart.node.id);
      const created = parts.map(
        (manifest, i) =>
          new eks.KubernetesManifest(this, parts.length === 1 ? base : `${base}Part${i + 1}`, {
            cluster: props.cluster,
            manifest,
            prune: true,
          }),
      );
      if (chart.node.id === NAMESPACES_CHART_ID) namespaces = created;
      manifests.push(...created);
    }

    for (const manifest of manifests) {
      for (const dependency of props.dependencies ?? []) manifest.node.addDependency(dependency);
      if (!namespaces.includes(manifest)) for (const ns of namespaces) manifest.node.addDependency(ns);
    }
    this.manifests = manifests;
  }
}
