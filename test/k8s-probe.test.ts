/**
 * The in-cluster probe: its CronJob, target ConfigMap and ServiceAccount (k8s/probe-chart.ts), the target and checks
 * it derives from (lib/views/probe-target.ts), and the NetworkPolicy that lets it reach the gateway and the agent.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { GatewayChart } from '../k8s/gateway-chart';
import { NetworkPoliciesChart } from '../k8s/network-policies-chart';
import { ProbeChart } from '../k8s/probe-chart';
import { renderStageCharts } from '../k8s/compute-charts';
import { EMF_AGENT_PORT, IN_CLUSTER_PROBE_CHECKS, probeChecksFor, probeShardSample } from '../lib/views/probe-target';
import { PROBE_CHECKS, PROBE_REQUESTS_PER_RUN, PROBE_RUN, probeRunSeconds } from '../lib/facts/probe-checks';
import { GigascaleError } from '../lib/util/errors';
import { validateK8sObjects } from './support/k8s-schema';
import { planOf } from './support/synth';

/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes manifests, asserted field by field */
type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: any;
  automountServiceAccountToken?: boolean;
};

const IMAGE = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/gigascale/probe:1.2.3';
const VPC = '10.6.0.0/16';
const GATEWAY_URL = 'http://gigascale-gateway.gigascale.svc.cluster.local:8080/gateway/health';
const PROFILE_ORIGIN_URL = 'http://gigascale-gateway.gigascale.svc.cluster.local:8080/v1/public/profiles/gigascale-probe:profile';
const PROFILE_EDGE_URL = 'https://api.gigascale.example/v1/public/profiles/gigascale-probe:profile';
const SOCKET_URL = 'ws://gigascale-gateway.gigascale.svc.cluster.local:8080/socket.io/?EIO=4&transport=websocket&auth=sts&audience=prod';
/** The proxies of shards 0, 32 and 63 of 64, as the probe's user with IAM authentication. */
const SHARD_URLS = [0, 32, 63].map(
  (shard) => `postgres://gigascale_probe@proxy.shard-${String(shard).padStart(4, '0')}.db.prod.gigascale.internal:5432/gigascale?sslmode=verify-full&auth=iam`,
);
const synth = (chart: Parameters<typeof Testing.synth>[0]) => Testing.synth(chart) as Manifest[];
const probeChart = (props: Partial<ConstructorParameters<typeof ProbeChart>[2]> = {}) =>
  synth(new ProbeChart(Testing.app(), 'probe', { environment: 'prod', domain: 'gigascale.example', region: 'eu-west-1', shards: 64, image: IMAGE, ...props }));
const only = (manifests: Manifest[], kind: string) => {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};

describe('ProbeChart', () => {
  const manifests = probeChart();
  const cronJob = only(manifests, 'CronJob');
  const job = cronJob.spec.jobTemplate.spec;
  const pod = job.template.spec;
  const container = pod.containers[0];

  it('renders a ServiceAccount, the target ConfigMap and the CronJob, all named gigascale-probe* in gigascale, valid for the API server', () => {
    expect(manifests.map((m) => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'ServiceAccount gigascale/gigascale-probe',
      'ConfigMap gigascale/gigascale-probe-target',
      'CronJob gigascale/gigascale-probe',
    ]);
    expect(validateK8sObjects(manifests)).toEqual([]);
  });

  it('runs every minute in UTC, never two at once, skipping a run that cannot start within 30 s', () => {
    expect(cronJob.spec).toMatchObject({ schedule: '* * * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 30, suspend: false });
  });

  it('stops a run before the next minute and never retries it: the next minute is the retry', () => {
    expect(job.activeDeadlineSeconds).toBe(PROBE_RUN.activeDeadlineSeconds);
    expect(job.activeDeadlineSeconds).toBeLessThan(60);
    expect(job.backoffLimit).toBe(0);
    expect(pod.restartPolicy).toBe('Never');
    // Every check's setup, warm-up, measurement and last timeout, one after another, and a generous process start,
    // fit inside the deadline.
    expect(probeRunSeconds(IN_CLUSTER_PROBE_CHECKS.length)).toBe(35);
    expect(probeRunSeconds(IN_CLUSTER_PROBE_CHECKS.length) + 10).toBeLessThan(job.activeDeadlineSeconds);
    // Enough samples for a P95 with a dozen above it.
    expect(PROBE_RUN.durationSeconds * PROBE_RUN.ratePerSecond).toBe(200);
    // What one check sends in a run, warm-up included: the edge must admit it from one address (test/edge-plan.test.ts).
    expect(PROBE_REQUESTS_PER_RUN).toBe(250);
  });

  it('keeps the last successful Job and the last three failed ones', () => {
    expect(cronJob.spec.successfulJobsHistoryLimit).toBe(1);
    expect(cronJob.spec.failedJobsHistoryLimit).toBe(3);
  });

  it('runs bin/probe.ts on the mounted target with the environment, a run that fits the minute, and EMF to the node\'s agent', () => {
    expect(container.image).toBe(IMAGE);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.workingDir).toBe('/app');
    expect(container.command).toEqual(['node', '--import', 'tsx', 'bin/probe.ts']);
    expect(container.args).toEqual([
      '--target',
      '/etc/gigascale-probe/target.json',
      '--env',
      'prod',
      '--warmup',
      '500ms',
      '--duration',
      '2s',
      '--rate',
      '100',
      '--timeout',
      '500ms',
      '--emf',
      '--emf-endpoint',
      'tcp://$(HOST_IP):25888',
    ]);
    expect(container.env).toEqual([{ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }]);
  });

  it('runs as a numeric non-root user with a read-only root filesystem, no capabilities, no escalation and RuntimeDefault seccomp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1000,
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(container.volumeMounts).toContainEqual({ mountPath: '/tmp', name: 'tmp' });
  });

  it('requests CPU and memory, limits memory to the request and leaves CPU unthrottled', () => {
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '256Mi' } });
  });

  it('runs under its own ServiceAccount without a Kubernetes API token (EKS Pod Identity brings its own)', () => {
    expect(only(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('gigascale-probe');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(job.template.metadata.labels['app.kubernetes.io/name']).toBe('gigascale-probe');
  });

  it('mounts a target file naming the region, a sample of shard proxies, the cache, the gateway health URL, the probe profile at the gateway and the edge, and the chat socket, read-only', () => {
    const configMap = only(manifests, 'ConfigMap');
    expect(Object.keys(configMap.data)).toEqual(['target.json']);
    expect(JSON.parse(configMap.data['target.json'])).toEqual({
      region: 'eu-west-1',
      postgres: SHARD_URLS,
      // The cache's private-zone alias, as the probe's cache user with IAM over TLS, for the replication group.
      redis: 'rediss://gigascale-prod-probe@endpoint.cache.prod.gigascale.internal:6379?auth=iam&cache=gigascale-prod',
      http: GATEWAY_URL,
      profile_origin: PROFILE_ORIGIN_URL,
      profile_edge: PROFILE_EDGE_URL,
      // Chat's Socket.IO route, presenting the probe's identity to prod's auth.
      ws: SOCKET_URL,
      chat: SOCKET_URL,
    });
    expect(pod.volumes).toContainEqual({ name: 'target', configMap: { name: 'gigascale-probe-target' } });
    expect(container.volumeMounts).toContainEqual({ mountPath: '/etc/gigascale-probe', name: 'target', readOnly: true });
  });

  it('renders only the fields asked for', () => {
    const configMap = only(probeChart({ fields: ['http', 'ws'] }), 'ConfigMap');
    expect(JSON.parse(configMap.data['target.json'])).toEqual({ region: 'eu-west-1', http: GATEWAY_URL, ws: SOCKET_URL });
  });

  it('refuses bad props all at once, naming each', () => {
    expect(() => new ProbeChart(Testing.app(), 'probe', { environment: 'Prod', domain: 'Example', region: 'mars-1', shards: 0, image: 'gigascale/probe:latest', fields: [] })).toThrow(
      new GigascaleError('Invalid ProbeChart props', [
        { at: 'probe environment', message: 'must be an environment name like prod, got "Prod"' },
        { at: 'probe domain', message: 'must be a lower-case DNS name like example.com, got "Example"' },
        { at: 'probe region', message: 'must be an AWS region name like us-east-1, got "mars-1"' },
        {
          at: 'probe image',
          message: 'must not use the tag latest (a deploy would not say what runs); pin a release tag or a digest, got "gigascale/probe:latest"',
        },
        { at: 'probe shards', message: "must be the environment's shard count, a whole number of at least 1, got 0" },
        { at: 'probe fields', message: 'must name at least one target field, got none' },
      ]),
    );
  });
});

describe('in-cluster probe target', () => {
  it('runs every check: postgres and redis as its own users, the socket checks with its identity for auth', () => {
    expect(IN_CLUSTER_PROBE_CHECKS).toEqual(PROBE_CHECKS);
    expect(probeChecksFor(['http', 'ws'])).toEqual(['http.get', 'ws.connect', 'ws.ping']);
  });

  it('samples the first, the middle and the last shard, fewer when there are fewer', () => {
    expect(probeShardSample(64)).toEqual([0, 32, 63]);
    expect(probeShardSample(10)).toEqual([0, 5, 9]);
    expect(probeShardSample(3)).toEqual([0, 1, 2]);
    expect(probeShardSample(2)).toEqual([0, 1]);
    expect(probeShardSample(1)).toEqual([0]);
    expect(() => probeShardSample(0)).toThrow('an environment has at least one shard, got 0');
  });

  it('is rendered for every region as probe.yaml, with the region\'s own target and the plan\'s image', () => {
    const environment = planOf({ env: 'prod' }).environments[0];
    for (const region of environment.regions) {
      const yaml = renderStageCharts(environment, region).get('probe.yaml');
      expect(yaml, region.name).toBeDefined();
      expect(yaml).toContain(`"region": "${region.name}"`);
      expect(yaml).toContain(`${environment.account}.dkr.ecr.${region.name}.amazonaws.com/gigascale/probe:`);
    }
  });
});

describe('probe NetworkPolicy', () => {
  const policies = synth(new NetworkPoliciesChart(Testing.app(), 'network-policies', { vpcCidr: VPC }));
  const probe = policies.find((p) => p.metadata.name === 'gigascale-probe')!;

  it("lets the probe out only to postgres and the cache in the VPC, the Pod Identity agent, the gateway pods on 8080, the node's CloudWatch agent on 25888 and the edge on 443, and nothing in", () => {
    expect(probe.metadata.namespace).toBe('gigascale');
    expect(probe.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gigascale-probe' } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: VPC } }], ports: [{ protocol: 'TCP', port: 5432 }] },
        { to: [{ ipBlock: { cidr: VPC } }], ports: [{ protocol: 'TCP', port: 6379 }] },
        { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
        { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gigascale-gateway' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        { to: [{ ipBlock: { cidr: VPC } }], ports: [{ protocol: 'TCP', port: EMF_AGENT_PORT }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    });
  });

  it('selects exactly the gateway Service\'s selector, so the policy controller admits the Service\'s cluster IP', () => {
    const gateway = synth(new GatewayChart(Testing.app(), 'gateway', { image: 'docker.io/envoyproxy/envoy:v1.36.2', sizes: { minReplicas: 2, maxReplicas: 4, cpuMillis: 500, memoryMiB: 256 } }));
    const service = gateway.find((m) => m.kind === 'Service')!;
    expect(service.spec.selector).toEqual(probe.spec.egress[3].to[0].podSelector.matchLabels);
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 8080, targetPort: 8080 })]);
  });

  it('is admitted by the gateway, whose ingress from the VPC CIDR covers the probe pods\' addresses', () => {
    const gateway = policies.find((p) => p.metadata.name === 'gigascale-gateway')!;
    expect(gateway.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: VPC } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
  });
});
