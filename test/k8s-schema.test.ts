/**
 * Every object synth renders validates against the Kubernetes 1.33 OpenAPI schema (the cdk8s-plus-33 line; the
 * clusters run 1.35, which serves the same GA APIs: lib/facts/kubernetes.ts) and, for CRDs, against the CRD's own
 * schema, with unknown fields refused (test/support/k8s-schema.ts).
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addComputeCharts, renderedIngressRefs, renderedBusRefs } from '../k8s';
import type { EnvironmentPlan } from '../lib/plan';
import { validateK8sObjects } from './support/k8s-schema';
import { planOf } from './support/synth';

const SIX_REGIONS = 'us-east-1,us-west-2,eu-west-1,ap-southeast-1,eu-central-1,ap-northeast-1';

function objectsOf(environment: EnvironmentPlan): { stage: string; chart: string; objects: unknown[] }[] {
  return environment.regions.flatMap((region) =>
    addComputeCharts(new App(), { environment, region, ingress: renderedIngressRefs(environment.name, region.name), bus: renderedBusRefs(environment.name, region.name) }).map((chart) => ({
      stage: `${environment.name}-${region.name}`,
      chart: chart.node.id,
      objects: chart.toJson() as unknown[],
    })),
  );
}

describe('rendered objects against the Kubernetes schema', () => {
  it.each([
    ['the default config', {}],
    ['prod over six regions with 128 shards', { env: 'prod', shards: 128, regions: SIX_REGIONS, rdsClusterQuota: 200, rdsInstanceQuota: 400, rdsProxyQuota: 200 }],
  ])('every object of %s validates', (_, context) => {
    const charts = planOf(context).environments.flatMap(objectsOf);
    const problems = charts.flatMap((c) => validateK8sObjects(c.objects).map((p) => `${c.stage}/${c.chart}: ${p}`));
    expect(problems).toEqual([]);
    expect(charts.reduce((n, c) => n + c.objects.length, 0)).toBeGreaterThan(100);
  });
});
