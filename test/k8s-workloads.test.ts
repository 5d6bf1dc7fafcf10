/** The gateway and service charts: one locked-down, autoscaled, zone-spread Workload each, from the service list. */
import { createHash } from 'node:crypto';
import { PLATFORM_HPA_BEHAVIOR } from './support/autoscaling';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { GATEWAY_CHART_ID, GatewayChart, type GatewayChartProps } from '../k8s/gateway-chart';
import { ServiceChart, serviceChartId, type ServiceChartProps } from '../k8s/service-chart';
import { Workload } from '../k8s/workload';
import { envoyBootstrap } from '../lib/views/envoy-config';
import { HTTP_SERVICES, type HttpService } from '../lib/facts/workloads';
import type { WorkloadSizes } from '../lib/facts/phases';
import { GigascaleError } from '../lib/util/errors';
import { workloadName, workloadServiceAccountName } from '../lib/facts/names/k8s';
import { validateK8sObjects } from './support/k8s-schema';

/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes manifests, asserted field by field */
type Manifest = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: any };

const SERVICE_SIZES: WorkloadSizes = { minReplicas: 3, maxReplicas: 9, cpuMillis: 750, memoryMiB: 1536 };
const GATEWAY_SIZES: WorkloadSizes = { minReplicas: 2, maxReplicas: 7, cpuMillis: 500, memoryMiB: 512 };
const ENVOY_IMAGE = 'docker.io/envoyproxy/envoy:v1.36.2';
const serviceImage = (service: string) => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/gigascale/${service}:1.2.3`;

function serviceChart(service: HttpService, props: Partial<ServiceChartProps> = {}): ServiceChart {
  return new ServiceChart(Testing.app(), serviceChartId(service), {
    environment: 'prod',
    region: 'eu-west-1',
    service,
    image: serviceImage(service),
    sizes: SERVICE_SIZES,
    domain: 'gigascale.example',
    ...props,
  });
}
const synthService = (service: HttpService, props: Partial<ServiceChartProps> = {}) => Testing.synth(serviceChart(service, props)) as Manifest[];

function gatewayChart(props: Partial<GatewayChartProps> = {}): GatewayChart {
  return new GatewayChart(Testing.app(), GATEWAY_CHART_ID, { image: ENVOY_IMAGE, sizes: GATEWAY_SIZES, ...props });
}
const synthGateway = (props: Partial<GatewayChartProps> = {}) => Testing.synth(gatewayChart(props)) as Manifest[];

const one = (manifests: Manifest[], kind: string): Manifest => {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};
const podSpec = (m: Manifest[]) => one(m, 'Deployment').spec.template.spec;
const container = (m: Manifest[]) => podSpec(m).containers[0];
const env = (m: Manifest[]): Record<string, string> => Object.fromEntries(container(m).env.map((e: { name: string; value: string }) => [e.name, e.value]));

interface Case {
  readonly workload: string;
  readonly synth: () => Manifest[];
  readonly image: string;
  readonly sizes: WorkloadSizes;
  readonly uid: number;
  readonly headless: boolean;
  readonly liveness: string;
  readonly readiness: string;
  readonly component: string;
}

const CASES: Case[] = [
  {
    workload: 'gateway',
    synth: () => synthGateway(),
    image: ENVOY_IMAGE,
    sizes: GATEWAY_SIZES,
    uid: 101,
    headless: false,
    liveness: '/gateway/health',
    readiness: '/gateway/health',
    component: 'gateway',
  },
  ...HTTP_SERVICES.map((service) => ({
    workload: service,
    synth: () => synthService(service),
    image: serviceImage(service),
    sizes: SERVICE_SIZES,
    uid: 1000,
    headless: true,
    liveness: '/healthz',
    readiness: '/readyz',
    component: 'service',
  })),
];

describe.each(CASES)('the $workload workload', (c) => {
  const name = workloadName(c.workload);

  it('makes a Deployment, Service, autoscaler, disruption budget and service account, all named after the workload in the namespace', () => {
    const m = c.synth().filter((x) => x.kind !== 'ConfigMap');
    expect(m.map((x) => x.kind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    for (const x of m) {
      expect(x.metadata).toMatchObject({ name, namespace: 'gigascale' });
      expect(x.metadata.labels).toEqual({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': c.component, 'app.kubernetes.io/part-of': 'gigascale' });
    }
  });

  it('renders objects the Kubernetes 1.33 schema accepts', () => {
    expect(validateK8sObjects(c.synth())).toEqual([]);
  });

  it('runs the pinned image it was given', () => {
    expect(container(c.synth())).toMatchObject({ name: c.workload, image: c.image, imagePullPolicy: 'IfNotPresent' });
  });

  it('requests CPU and memory from the sizes and limits memory, not CPU, to the request', () => {
    expect(container(c.synth()).resources).toEqual({
      requests: { cpu: `${c.sizes.cpuMillis}m`, memory: `${c.sizes.memoryMiB}Mi` },
      limits: { memory: `${c.sizes.memoryMiB}Mi` },
    });
  });

  it('probes startup, readiness and liveness over HTTP on the container port', () => {
    const ct = container(c.synth());
    const get = (path: string) => ({ path, port: 8080, scheme: 'HTTP' });
    expect(ct.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
    expect(ct.startupProbe).toEqual({ httpGet: get(c.liveness), periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2, initialDelaySeconds: 0 });
    expect(ct.readinessProbe).toEqual({ httpGet: get(c.readiness), periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 2, initialDelaySeconds: 0 });
    expect(ct.livenessProbe).toEqual({ httpGet: get(c.liveness), periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2, initialDelaySeconds: 0 });
  });

  it('runs non-root with a numeric uid on a read-only root filesystem, without escalation, capabilities or an unconfined seccomp', () => {
    const m = c.synth();
    expect(container(m).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: c.uid,
      runAsGroup: c.uid,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podSpec(m).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: c.uid, runAsGroup: c.uid, fsGroup: c.uid });
  });

  it('gives the container a size-limited /tmp, its only writable path', () => {
    const m = c.synth();
    expect(container(m).volumeMounts).toContainEqual({ mountPath: '/tmp', name: 'tmp' });
    expect(podSpec(m).volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(container(m).volumeMounts.filter((v: { readOnly?: boolean }) => !v.readOnly).map((v: { mountPath: string }) => v.mountPath)).toEqual(['/tmp']);
  });

  it('spreads the current revision strictly across zones and preferably across nodes', () => {
    const selector = { matchLabels: { 'app.kubernetes.io/name': name } };
    expect(podSpec(c.synth()).topologySpreadConstraints).toEqual([
      {
        topologyKey: 'topology.kubernetes.io/zone',
        maxSkew: 1,
        whenUnsatisfiable: 'DoNotSchedule',
        nodeTaintsPolicy: 'Honor',
        labelSelector: selector,
        matchLabelKeys: ['pod-template-hash'],
      },
      { topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector, matchLabelKeys: ['pod-template-hash'] },
    ]);
  });

  it('selects its pods by app.kubernetes.io/name and leaves the replica count to the autoscaler', () => {
    const deployment = one(c.synth(), 'Deployment');
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': name } });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': name });
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it('rolls out one surge at a time without taking a pod away first', () => {
    expect(one(c.synth(), 'Deployment').spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
  });

  it(`exposes the port as http on a ${c.headless ? 'headless' : 'ClusterIP'} Service of ready pods`, () => {
    const spec = one(c.synth(), 'Service').spec;
    expect(spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
      selector: { 'app.kubernetes.io/name': name },
      publishNotReadyAddresses: false,
    });
    expect(spec.clusterIP).toBe(c.headless ? 'None' : undefined);
  });

  it('autoscales the Deployment on 60% CPU between the sizes\' minimum and maximum, up at once and down slowly', () => {
    expect(one(c.synth(), 'HorizontalPodAutoscaler').spec).toEqual({
      minReplicas: c.sizes.minReplicas,
      maxReplicas: c.sizes.maxReplicas,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
      behavior: PLATFORM_HPA_BEHAVIOR,
    });
  });

  it('lets voluntary evictions take one pod at a time', () => {
    expect(one(c.synth(), 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  it('runs as its own service account, the one Pod Identity binds, with no Kubernetes API token', () => {
    const m = c.synth();
    const sa = one(m, 'ServiceAccount');
    expect(sa.metadata.name).toBe(workloadServiceAccountName(c.workload));
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(podSpec(m)).toMatchObject({ serviceAccountName: workloadServiceAccountName(c.workload), automountServiceAccountToken: false, enableServiceLinks: false });
  });
});

describe('ServiceChart', () => {
  it.each(HTTP_SERVICES)('tells %s where it runs and mounts the service config read-only', (service) => {
    const m = synthService(service);
    expect(env(m)).toMatchObject({
      GIGASCALE_ENV: 'prod',
      GIGASCALE_REGION: 'eu-west-1',
      AWS_REGION: 'eu-west-1',
      GIGASCALE_SERVICE: service,
      PORT: '8080',
      GIGASCALE_CONFIG_DIR: '/etc/gigascale',
    });
    expect(container(m).volumeMounts).toContainEqual({ mountPath: '/etc/gigascale', name: 'gigascale-service-config', readOnly: true });
    expect(podSpec(m).volumes).toContainEqual({ name: 'gigascale-service-config', configMap: { name: 'gigascale-service-config' } });
  });

  it('describes the Deployment with the service list\'s words', () => {
    expect(one(synthService('memory'), 'Deployment').metadata.annotations).toEqual({ 'kubernetes.io/description': 'AI memory with vector search' });
  });

  it('configures chat\'s Socket.io for the sharded Redis adapter on the channels its cache user may use', () => {
    expect(env(synthService('chat'))).toMatchObject({
      SOCKETIO_ADAPTER: 'redis-sharded',
      SOCKETIO_CHANNEL_PREFIX: 'socket.io',
      SOCKETIO_SUBSCRIPTION_MODE: 'dynamic',
    });
    expect(Object.keys(env(synthService('auth'))).filter((k) => k.startsWith('SOCKETIO_'))).toEqual([]);
  });

  it('names voice\'s OpenAI key by its Secrets Manager name, never a Kubernetes Secret, and hands out the region\'s TURN relay', () => {
    const m = synthService('voice', { environment: 'staging', region: 'us-west-2', domain: 'example.org' });
    expect(env(m)).toMatchObject({
      OPENAI_API_KEY_SECRET: 'gigascale/staging/voice/openai-api-key',
      TURN_URIS: 'turn:turn-us-west-2.example.org:3478?transport=udp,turns:turn-us-west-2.example.org:5349?transport=tcp',
    });
    expect(JSON.stringify(m)).not.toContain('secretKeyRef');
    expect(env(synthService('chat'))).not.toHaveProperty('OPENAI_API_KEY_SECRET');
  });

  it('lists environment variables in sorted order, so the rendering is stable', () => {
    const names = container(synthService('voice')).env.map((e: { name: string }) => e.name);
    expect(names).toEqual([...names].sort());
  });

  it.each([
    ['chat', 60],
    ['voice', 60],
    ['auth', 30],
    ['entity', 30],
    ['memory', 30],
  ] as const)('gives %s %i seconds to drain after a 15-second preStop pause', (service, grace) => {
    const m = synthService(service);
    expect(podSpec(m).terminationGracePeriodSeconds).toBe(grace);
    expect(container(m).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '15'] } } });
  });

  it('puts every object in the namespace it is given', () => {
    const m = synthService('entity', { namespace: 'gigascale-canary' });
    expect(new Set(m.map((x) => x.metadata.namespace))).toEqual(new Set(['gigascale-canary']));
  });

  it('names its chart after the service', () => {
    expect(HTTP_SERVICES.map(serviceChartId)).toEqual(['service-auth', 'service-entity', 'service-chat', 'service-voice', 'service-memory']);
  });

  it.each([
    ['x:latest', 'must not use the tag latest (a deploy would not say what runs); pin a release tag or a digest, got "x:latest"'],
    ['x', 'must name a tag or a digest (an untagged image means latest), got "x"'],
  ])('refuses the image %s and says why', (image, message) => {
    expect(() => serviceChart('chat', { image })).toThrow(new GigascaleError('Invalid Workload props', [{ at: 'service-chat/Chat image', message }]));
    expect(() => serviceChart('chat', { image })).toThrow(`Invalid Workload props (1 problem):\n  - service-chat/Chat image: ${message}`);
  });

  it('reports every problem of its props at once', () => {
    expect(() => serviceChart('auth', { image: 'x', sizes: { minReplicas: 0, maxReplicas: 0, cpuMillis: 1.5, memoryMiB: 512 } })).toThrow(
      [
        'Invalid Workload props (4 problems):',
        '  - service-auth/Auth image: must name a tag or a digest (an untagged image means latest), got "x"',
        '  - service-auth/Auth sizes.minReplicas: must be an integer in 1..10000, got 0',
        '  - service-auth/Auth sizes.maxReplicas: must be an integer in 1..10000, got 0',
        '  - service-auth/Auth sizes.cpuMillis: must be an integer in 1..256000, got 1.5',
      ].join('\n'),
    );
  });
});

describe('GatewayChart', () => {
  const configMap = (m: Manifest[]) => one(m, 'ConfigMap');

  it('holds the Envoy bootstrap for its namespace in the gateway ConfigMap', () => {
    const m = synthGateway({ namespace: 'gigascale-canary' });
    expect(configMap(m).metadata).toMatchObject({ name: 'gigascale-gateway-envoy', namespace: 'gigascale-canary' });
    expect(configMap(m).data).toEqual({ 'envoy.json': JSON.stringify(envoyBootstrap({ namespace: 'gigascale-canary' }), null, 2) });
  });

  it('starts Envoy on the mounted bootstrap as the image\'s envoy user', () => {
    const m = synthGateway();
    expect(container(m)).toMatchObject({ image: ENVOY_IMAGE, args: ['-c', '/etc/envoy/envoy.json', '--log-level', 'info'] });
    expect(container(m)).not.toHaveProperty('command');
    expect(container(m).volumeMounts).toContainEqual({ mountPath: '/etc/envoy', name: 'gigascale-gateway-envoy', readOnly: true });
    expect(podSpec(m).volumes).toContainEqual({ name: 'gigascale-gateway-envoy', configMap: { name: 'gigascale-gateway-envoy' } });
    expect(container(m).securityContext).toMatchObject({ runAsUser: 101, runAsGroup: 101 });
  });

  it('annotates the pod template with the sha256 of the bootstrap, so a config change rolls the pods', () => {
    const m = synthGateway();
    const sha = createHash('sha256').update(configMap(m).data['envoy.json']).digest('hex');
    expect(one(m, 'Deployment').spec.template.metadata.annotations).toEqual({ 'gigascale/envoy-config-sha256': sha });
  });

  it('keeps the checksum for the same config and changes it with the config', () => {
    const checksum = (props: Partial<GatewayChartProps>) => gatewayChart(props).configChecksum;
    expect(checksum({})).toBe(checksum({}));
    expect(checksum({ envoy: { rateLimit: { tokensPerFill: 500 } } })).not.toBe(checksum({}));
    expect(checksum({ namespace: 'other' })).not.toBe(checksum({}));
  });

  it('pauses 15 seconds before Envoy stops, while the ALB deregisters the pod', () => {
    const m = synthGateway();
    expect(container(m).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '15'] } } });
    expect(podSpec(m).terminationGracePeriodSeconds).toBe(30);
  });

  it.each(['envoyproxy/envoy:latest', 'envoyproxy/envoy'])('refuses the image %s', (image) => {
    expect(() => gatewayChart({ image })).toThrow(/^Invalid Workload props \(1 problem\):\n {2}- gateway\/Gateway image: must /);
  });
});

describe('Workload', () => {
  const sizes = SERVICE_SIZES;
  const make = (props: Partial<ConstructorParameters<typeof Workload>[2]>) => {
    const chart = Testing.chart();
    new Workload(chart, 'W', { name: 'probe', image: 'example.com/probe:1', sizes, headless: true, ...props });
    return Testing.synth(chart) as Manifest[];
  };

  it('refuses a preStop pause that leaves no time to shut down', () => {
    expect(() => make({ terminationGraceSeconds: 10, preStopSleepSeconds: 10 })).toThrow('W preStopSleepSeconds: must be an integer in 0..9, got 10');
  });

  it('has no preStop hook by default', () => {
    expect(container(make({}))).not.toHaveProperty('lifecycle');
    expect(podSpec(make({})).terminationGracePeriodSeconds).toBe(30);
  });

  it('refuses a probe path that is not a path', () => {
    expect(() => make({ readinessPath: 'readyz' })).toThrow('W readinessPath: must be a path starting with /, got "readyz"');
  });
});
