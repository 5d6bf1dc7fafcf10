/**
 * The shared Kubernetes pieces around the workloads: namespaces, NetworkPolicies, the TURN relay, the
 * TargetGroupBindings and the secret sync, each derived from lib/facts/workloads.ts and lib/facts/names.
 */
import { Testing } from 'cdk8s';
import { Lazy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { MigrationsChart } from '../k8s/migrations-job';
import { NamespacesChart } from '../k8s/namespaces-chart';
import { NetworkPoliciesChart } from '../k8s/network-policies-chart';
import { SecretSyncChart } from '../k8s/secret-sync-chart';
import { TargetGroupBindingsChart, type TargetGroupBindingsChartProps } from '../k8s/target-group-bindings-chart';
import { addressRange, TurnChart } from '../k8s/turn-chart';
import { TURN_DEREGISTRATION_DELAY_SECONDS, TURN_DRAIN_SECONDS } from '../lib/facts/workloads';
import { PLATFORM_HPA_BEHAVIOR } from './support/autoscaling';
import { DEPENDENCY_PORTS, HTTP_SERVICES, SERVICE_SPECS } from '../lib/facts/workloads';
import { GigascaleError } from '../lib/util/errors';
import { shardEndpointName, shardName, shardSecretName } from '../lib/facts/names/data';
import { turnHostname } from '../lib/facts/names/ingress';
import { RELAY_POD_MAX_HOURS, TURN_SECRET_ROTATION_DAYS } from '../lib/facts/turn-secret';

/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes manifests, asserted field by field */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };

const VPC = '10.1.0.0/16';
const synth = (chart: Parameters<typeof Testing.synth>[0]) => Testing.synth(chart) as Manifest[];
const named = (manifests: Manifest[], kind: string, name: string, namespace?: string) => {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name && (namespace === undefined || m.metadata.namespace === namespace));
  expect(found).toHaveLength(1);
  return found[0];
};
const ports = (rules: any[] | undefined) => (rules ?? []).flatMap((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`));

describe('NamespacesChart', () => {
  it('makes both namespaces enforce, audit and warn the restricted Pod Security Standard at the cluster version', () => {
    const namespaces = synth(new NamespacesChart(Testing.app(), 'namespaces'));
    expect(namespaces.map((n) => [n.kind, n.metadata.name, n.metadata.namespace])).toEqual([
      ['Namespace', 'gigascale', undefined],
      ['Namespace', 'gigascale-turn', undefined],
    ]);
    for (const namespace of namespaces) {
      expect(namespace.metadata.labels).toEqual({
        'app.kubernetes.io/part-of': 'gigascale',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.35',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': 'v1.35',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'v1.35',
      });
    }
  });

  it('refuses to put the relay in the services namespace', () => {
    expect(() => new NamespacesChart(Testing.app(), 'namespaces', { turnNamespace: 'gigascale' })).toThrow(
      new GigascaleError('Invalid NamespacesChart props', [
        { at: 'namespaces turnNamespace', message: 'must differ from namespace (the relay shares nothing with the services), got "gigascale" twice' },
      ]),
    );
  });
});

describe('NetworkPoliciesChart', () => {
  const policies = synth(new NetworkPoliciesChart(Testing.app(), 'network-policies', { vpcCidr: VPC }));
  const policy = (name: string, namespace = 'gigascale') => named(policies, 'NetworkPolicy', name, namespace);

  it.each(['gigascale', 'gigascale-turn'])('denies all ingress and egress of every pod in %s by default', (namespace) => {
    expect(policy('default-deny', namespace).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it.each(['gigascale', 'gigascale-turn'])('lets every pod in %s resolve names through kube-dns only', (namespace) => {
    expect(policy('allow-dns', namespace).spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });

  it.each(HTTP_SERVICES)('admits %s traffic only from the gateway pods on the service port', (service) => {
    const spec = policy(`gigascale-${service}`).spec;
    expect(spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': `gigascale-${service}` } });
    expect(spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gigascale-gateway' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
  });

  it.each(HTTP_SERVICES)("lets %s out only on its dependencies' ports, DNS and the Pod Identity agent (chat: and the CloudWatch agent)", (service) => {
    const egress = policy(`gigascale-${service}`).spec.egress;
    const expected = [...SERVICE_SPECS[service].dependencies.map((d) => `TCP/${DEPENDENCY_PORTS[d]}`), 'TCP/80', ...(service === 'chat' ? ['TCP/25888'] : [])];
    expect(ports(egress)).toEqual(expected);
    expect([...ports(egress), ...ports(policy('allow-dns').spec.egress)].sort()).toEqual([...expected, 'UDP/53', 'TCP/53'].sort());
    const peerOf = (port: number) => egress.find((r: any) => r.ports[0].port === port).to;
    const stores = SERVICE_SPECS[service].dependencies.filter((d) => d !== 'https');
    for (const store of stores) expect(peerOf(DEPENDENCY_PORTS[store])).toEqual([{ ipBlock: { cidr: VPC } }]);
    expect(peerOf(443)).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }]);
    expect(peerOf(80)).toEqual([{ ipBlock: { cidr: '169.254.170.23/32' } }]);
  });

  it('admits the gateway from the VPC (the ALB nodes) and lets it reach only the services on their port', () => {
    const spec = policy('gigascale-gateway').spec;
    expect(spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: VPC } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(spec.egress).toEqual([
      {
        to: HTTP_SERVICES.map((s) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': `gigascale-${s}` } } })),
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it('lets the migrations Jobs reach postgres inside the VPC and nothing else', () => {
    expect(policy('gigascale-migrations').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gigascale-migrations' } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ to: [{ ipBlock: { cidr: VPC } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
  });

  it('lets the pod FIS creates for a pod experiment reach the API server, at its cluster IP and in the VPC, and nothing else', () => {
    expect(policy('gigascale-fis').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gigascale-fis' } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '172.20.0.1/32' } }, { ipBlock: { cidr: VPC } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    // EKS takes 10.100.0.0/16 for services when the VPC is outside 10.0.0.0/8.
    const other = new NetworkPoliciesChart(Testing.app(), 'np', { vpcCidr: '192.168.0.0/16' });
    const fis = Testing.synth(other).find((o) => o.metadata.name === 'gigascale-fis')!;
    expect(fis.spec.egress[0].to[0]).toEqual({ ipBlock: { cidr: '10.100.0.1/32' } });
  });

  it('opens the relay to TURN and relay ports from anywhere and lets relayed UDP out to public addresses only', () => {
    const spec = policy('gigascale-turn', 'gigascale-turn').spec;
    expect(spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'UDP', port: 3478 }, { protocol: 'TCP', port: 3478 }] },
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'UDP', port: 49152, endPort: 65535 }] },
    ]);
    expect(spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } }],
        ports: [{ protocol: 'UDP' }],
      },
    ]);
  });

  it('names the policies after the workloads, one per workload and namespace', () => {
    expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'gigascale/default-deny',
      'gigascale/allow-dns',
      'gigascale-turn/default-deny',
      'gigascale-turn/allow-dns',
      'gigascale/gigascale-gateway',
      ...HTTP_SERVICES.map((s) => `gigascale/gigascale-${s}`),
      'gigascale/gigascale-memory-consumer',
      'gigascale/gigascale-analytics-consumer',
      'gigascale/gigascale-push-consumer',
      'gigascale/gigascale-migrations',
      'gigascale/gigascale-fis',
      'gigascale/gigascale-probe',
      'gigascale-turn/gigascale-turn',
    ]);
  });

  it('refuses a VPC CIDR that is not one, and bad namespaces, all at once', () => {
    expect(() => new NetworkPoliciesChart(Testing.app(), 'np', { vpcCidr: '10.1.0.1/16', namespace: 'Gigascale' })).toThrow(
      new GigascaleError('Invalid NetworkPoliciesChart props', [
        { at: 'np vpcCidr', message: '10.1.0.1/16 has host bits set; the network address is 10.1.0.0/16' },
        { at: 'np namespace', message: 'must be a DNS-1123 label, got "Gigascale"' },
      ]),
    );
  });
});

describe('TurnChart', () => {
  const realm = turnHostname('gigascale.example', 'eu-west-1');
  const sizes = { minReplicas: 3, maxReplicas: 6, cpuMillis: 500, memoryMiB: 256 };
  const manifests = synth(new TurnChart(Testing.app(), 'turn', { image: 'docker.io/coturn/coturn:4.7.0', realm, sizes }));
  const deployment = named(manifests, 'Deployment', 'gigascale-turn', 'gigascale-turn');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('turns CIDRs into the address ranges coturn takes', () => {
    expect(addressRange('172.16.0.0/12')).toBe('172.16.0.0-172.31.255.255');
    expect(addressRange('169.254.0.0/16')).toBe('169.254.0.0-169.254.255.255');
  });

  it('refuses to relay to private, shared, loopback and link-local peers, or over TCP', () => {
    const denied = container.args.filter((a: string) => a.startsWith('--denied-peer-ip='));
    for (const range of ['10.0.0.0-10.255.255.255', '172.16.0.0-172.31.255.255', '192.168.0.0-192.168.255.255', '169.254.0.0-169.254.255.255', '127.0.0.0-127.255.255.255']) {
      expect(denied).toContain(`--denied-peer-ip=${range}`);
    }
    expect(container.args).toEqual(expect.arrayContaining(['--no-multicast-peers', '--no-tcp-relay', '--no-cli']));
  });

  it('runs the binary with TURN REST auth, no TLS of its own, the relay port range and the realm', () => {
    expect(container.command).toEqual(['turnserver']);
    expect(container.args).toEqual(
      expect.arrayContaining([
        '--listening-port=3478',
        '--no-tls',
        '--no-dtls',
        '--min-port=49152',
        '--max-port=65535',
        '--realm=turn-eu-west-1.gigascale.example',
        '--use-auth-secret',
        '--static-auth-secret=$(TURN_SECRET_PREVIOUS)',
        '--static-auth-secret=$(TURN_SECRET_CURRENT)',
        '--static-auth-secret=$(TURN_SECRET_NEXT)',
        '--fingerprint',
        '--log-file=stdout',
      ]),
    );
    expect(container.args.some((a: string) => a.startsWith('--external-ip'))).toBe(false);
  });

  it('reads every slot of the rotated auth secret from the synced Secret, and mounts the provider class that syncs it', () => {
    expect(container.env).toEqual(
      ['previous', 'current', 'next'].map((slot) => ({ name: `TURN_SECRET_${slot.toUpperCase()}`, valueFrom: { secretKeyRef: { name: 'gigascale-turn-auth', key: slot } } })),
    );
    expect(pod.volumes).toContainEqual({
      name: 'secrets-store',
      csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'gigascale-turn-auth' } },
    });
    expect(container.volumeMounts).toContainEqual({ mountPath: '/mnt/secrets-store', name: 'secrets-store', readOnly: true });
  });

  it('runs only on Karpenter\'s nodes, which expire, so no relay outlives a rotation of its secret', () => {
    expect(pod.affinity).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'Exists' }] }] } },
    });
    expect(RELAY_POD_MAX_HOURS).toBe(721);
    expect(TURN_SECRET_ROTATION_DAYS * 24).toBeGreaterThan(RELAY_POD_MAX_HOURS);
    expect(TURN_SECRET_ROTATION_DAYS).toBe(31);
  });

  it('runs as nobody on a read-only root filesystem with no capability but NET_BIND_SERVICE, which the image needs to exec', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 });
    expect(pod).toMatchObject({ serviceAccountName: 'gigascale-turn', automountServiceAccountToken: false });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/tmp', '/var/lib/coturn', '/mnt/secrets-store']);
  });

  it('scales on CPU between the planned bounds, spread over zones, at the platform\'s scaling rates', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    expect(named(manifests, 'HorizontalPodAutoscaler', 'gigascale-turn').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gigascale-turn' },
      minReplicas: 3,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
      behavior: PLATFORM_HPA_BEHAVIOR,
    });
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'gigascale-turn' } };
    expect(pod.topologySpreadConstraints).toEqual([
      { labelSelector: selector, matchLabelKeys: ['pod-template-hash'], maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', nodeTaintsPolicy: 'Honor' },
      { labelSelector: selector, matchLabelKeys: ['pod-template-hash'], maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
    ]);
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '2000m', memory: '512Mi' } });
  });

  it('drains for longer than a client takes to reconnect, and longer than the NLB deregisters, before coturn stops', () => {
    expect(container.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '60'] } } });
    expect(pod.terminationGracePeriodSeconds).toBe(75);
    // RFC 7675's 30 s consent-freshness timeout, and the target groups' deregistration delay.
    expect(TURN_DRAIN_SECONDS).toBeGreaterThan(30);
    expect(TURN_DRAIN_SECONDS).toBeGreaterThan(TURN_DEREGISTRATION_DELAY_SECONDS);
  });

  it('exposes UDP and TCP 3478 on a named ClusterIP Service, and allows one pod down at a time', () => {
    expect(named(manifests, 'Service', 'gigascale-turn').spec).toMatchObject({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'gigascale-turn' },
      ports: [
        { name: 'turn-udp', port: 3478, targetPort: 3478, protocol: 'UDP' },
        { name: 'turn-tcp', port: 3478, targetPort: 3478, protocol: 'TCP' },
      ],
    });
    expect(named(manifests, 'PodDisruptionBudget', 'gigascale-turn').spec).toMatchObject({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'gigascale-turn' } },
    });
  });

  it('refuses bad props all at once', () => {
    expect(() => new TurnChart(Testing.app(), 'turn', { image: 'coturn/coturn:latest', realm: 'Turn Host', sizes: { ...sizes, minReplicas: 0, maxReplicas: 0 }, externalIp: 'somewhere' })).toThrow(
      new GigascaleError('Invalid TurnChart props', [
        { at: 'turn image', message: 'must not use the tag latest (a deploy would not say what runs); pin a release tag or a digest, got "coturn/coturn:latest"' },
        { at: 'turn realm', message: 'must be a lower-case host name, got "Turn Host"' },
        { at: 'turn sizes.minReplicas', message: 'must be an integer of at least 1, got 0' },
        { at: 'turn sizes.maxReplicas', message: 'must be an integer above minReplicas (0): the autoscaler needs room, got 0' },
        { at: 'turn externalIp', message: 'must be an IPv4 address or public/private pair, got "somewhere"' },
      ]),
    );
  });
});

describe('TargetGroupBindingsChart', () => {
  const arn = (name: string) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}/0123456789abcdef`;
  const props: TargetGroupBindingsChartProps = {
    targetGroupArns: { gateway: arn('gateway'), chat: arn('chat'), turnUdp: arn('turn-udp'), turnTls: arn('turn-tls') },
    albSecurityGroupId: 'sg-0123456789abcdef0',
    nlbSecurityGroupId: 'sg-0fedcba9876543210',
  };
  const bindings = synth(new TargetGroupBindingsChart(Testing.app(), 'target-group-bindings', props));

  it.each([
    ['gigascale-gateway', 'gigascale', arn('gateway'), 'gigascale-gateway', 8080, 'sg-0123456789abcdef0', 'TCP'],
    ['gigascale-gateway-chat', 'gigascale', arn('chat'), 'gigascale-gateway', 8080, 'sg-0123456789abcdef0', 'TCP'],
    ['gigascale-turn-udp', 'gigascale-turn', arn('turn-udp'), 'gigascale-turn', 'turn-udp', 'sg-0fedcba9876543210', 'UDP'],
    ['gigascale-turn-tls', 'gigascale-turn', arn('turn-tls'), 'gigascale-turn', 'turn-tcp', 'sg-0fedcba9876543210', 'TCP'],
  ])('binds %s in %s to its target group with ip targets, open to the load balancer on the pod port', (name, namespace, targetGroupARN, service, servicePort, groupID, protocol) => {
    const binding = named(bindings, 'TargetGroupBinding', name, namespace);
    expect(binding.apiVersion).toBe('elbv2.k8s.aws/v1beta1');
    const podPort = typeof servicePort === 'number' ? servicePort : 3478;
    expect(binding.spec).toEqual({
      serviceRef: { name: service, port: servicePort },
      targetGroupARN,
      targetType: 'ip',
      networking: { ingress: [{ from: [{ securityGroup: { groupID } }], ports: [{ port: podPort, protocol }] }] },
    });
  });

  it('takes unresolved tokens as they are (the stack resolves them at deploy)', () => {
    const token = Lazy.string({ produce: () => 'resolved-later' });
    const chart = new TargetGroupBindingsChart(Testing.app(), 'tgb', {
      targetGroupArns: { gateway: token, chat: token, turnUdp: token, turnTls: token },
      albSecurityGroupId: token,
      nlbSecurityGroupId: token,
    });
    expect(chart.bindings).toHaveLength(4);
  });

  it('refuses empty ARNs and group ids, which no reference resolves to', () => {
    expect(() => new TargetGroupBindingsChart(Testing.app(), 'tgb', { ...props, targetGroupArns: { ...props.targetGroupArns, chat: '' }, nlbSecurityGroupId: '' })).toThrow(
      new GigascaleError('Invalid TargetGroupBindingsChart props', [
        { at: 'tgb targetGroupArns.chat', message: 'must name a target group ARN, got ""' },
        { at: 'tgb nlbSecurityGroupId', message: 'must name a security group id, got ""' },
      ]),
    );
  });
});

describe('SecretSyncChart', () => {
  const classes = synth(new SecretSyncChart(Testing.app(), 'secret-sync', { env: 'prod', region: 'us-east-1', shards: [0, 1, 2] }));

  it('makes one SecretProviderClass per shard that fetches the shard secret with Pod Identity and syncs username and password', () => {
    expect(classes.map((c) => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual([
      'gigascale/gigascale-prod-shard-0000-master',
      'gigascale/gigascale-prod-shard-0001-master',
      'gigascale/gigascale-prod-shard-0002-master',
      'gigascale-turn/gigascale-turn-auth',
    ]);
    const shard = named(classes, 'SecretProviderClass', 'gigascale-prod-shard-0002-master');
    expect(shard.apiVersion).toBe('secrets-store.csi.x-k8s.io/v1');
    expect(shard.spec.provider).toBe('aws');
    expect(shard.spec.parameters).toMatchObject({ region: 'us-east-1', usePodIdentity: 'true' });
    expect(JSON.parse(shard.spec.parameters.objects)).toEqual([
      {
        objectName: shardSecretName('prod', 2),
        objectType: 'secretsmanager',
        jmesPath: [
          { path: 'username', objectAlias: 'username' },
          { path: 'password', objectAlias: 'password' },
        ],
      },
    ]);
    expect(shard.spec.secretObjects).toEqual([
      {
        secretName: 'gigascale-prod-shard-0002-master',
        type: 'Opaque',
        labels: { 'app.kubernetes.io/part-of': 'gigascale' },
        data: [
          { objectName: 'username', key: 'username' },
          { objectName: 'password', key: 'password' },
        ],
      },
    ]);
  });

  it('syncs each slot of the TURN auth secret into a key of gigascale-turn-auth in the relay namespace', () => {
    const turn = named(classes, 'SecretProviderClass', 'gigascale-turn-auth', 'gigascale-turn');
    const slots = ['previous', 'current', 'next'];
    expect(JSON.parse(turn.spec.parameters.objects)).toEqual([
      {
        objectName: 'gigascale/prod/turn/static-auth-secret',
        objectType: 'secretsmanager',
        objectAlias: 'secret',
        jmesPath: slots.map((slot) => ({ path: slot, objectAlias: slot })),
      },
    ]);
    expect(turn.spec.secretObjects).toEqual([
      {
        secretName: 'gigascale-turn-auth',
        type: 'Opaque',
        labels: { 'app.kubernetes.io/part-of': 'gigascale' },
        data: slots.map((slot) => ({ objectName: slot, key: slot })),
      },
    ]);
  });

  it('syncs no shard credentials outside the write region (no shards given)', () => {
    const only = synth(new SecretSyncChart(Testing.app(), 'secret-sync', { env: 'prod', region: 'eu-west-1' }));
    expect(only.map((c) => c.metadata.name)).toEqual(['gigascale-turn-auth']);
  });

  it('refuses bad props all at once', () => {
    expect(() => new SecretSyncChart(Testing.app(), 'secret-sync', { env: 'Prod', region: 'europe', shards: [-1] })).toThrow(
      new GigascaleError('Invalid SecretSyncChart props', [
        { at: 'secret-sync env', message: 'must be a DNS-1123 label, got "Prod"' },
        { at: 'secret-sync region', message: 'must be an AWS region name like eu-west-1, got "europe"' },
        { at: 'secret-sync shards[0]', message: 'must be a shard number in 0..4095, got -1' },
      ]),
    );
  });

  it("mounts in each migrations Job the SecretProviderClass that syncs that shard's credentials", () => {
    const shard = (n: number) => ({ name: shardName(n), writerHost: shardEndpointName('prod', n, 'writer'), secretName: shardSecretName('prod', n) });
    const jobs = synth(new MigrationsChart(Testing.app(), 'migrations', { image: 'gigascale/db-migrate:1.0.0', shards: [shard(0), shard(2)] })).filter((m) => m.kind === 'Job');
    for (const job of jobs) {
      const pod = job.spec.template.spec;
      const csi = pod.volumes.find((v: any) => v.csi !== undefined);
      expect(csi).toEqual({ name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: expect.any(String) } } });
      const spc = named(classes, 'SecretProviderClass', csi.csi.volumeAttributes.secretProviderClass, 'gigascale');
      // The Job's environment reads the very Secret its mounted class syncs.
      const secretRefs = pod.containers[0].env.filter((e: any) => e.valueFrom).map((e: any) => e.valueFrom.secretKeyRef);
      expect(secretRefs).toEqual([
        { name: spc.spec.secretObjects[0].secretName, key: 'username' },
        { name: spc.spec.secretObjects[0].secretName, key: 'password' },
      ]);
      expect(pod.containers[0].volumeMounts).toContainEqual({ mountPath: '/mnt/secrets-store', name: 'secrets-store', readOnly: true });
    }
    expect(jobs).toHaveLength(2);
  });
});
