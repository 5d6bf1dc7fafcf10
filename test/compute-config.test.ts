import { describe, expect, it } from 'vitest';
import { resolvePlan } from '../lib/plan';
import { imageDigestIssues } from '../lib/plan/release';
import { CLOUDFLARE_IPV4, CLOUDFLARE_IPV6 } from '../lib/facts/cloudflare-ranges';
import { COTURN_IMAGE, ENVOY_IMAGE, imageDigest, imageProblem, imageUri } from '../lib/facts/images';
import { KUBERNETES_VERSION } from '../lib/facts/kubernetes';
import { WORKLOADS } from '../lib/facts/workloads';
import { version } from '../package.json';
import { configWith, env, problems } from './support/config';
import defaultConfig from '../regions.config';

const E = 'environments.test';
const planFor = (overrides: Parameters<typeof env>[0]) => resolvePlan(configWith(env(overrides))).environments[0];

describe('compute plan', () => {
  it('runs Kubernetes 1.35 on m7g.xlarge nodes in phase 3, 2 per AZ for 100,000 users', () => {
    const c = planFor({}).compute;
    expect(c.kubernetesVersion).toBe(KUBERNETES_VERSION);
    expect(KUBERNETES_VERSION).toBe('1.35');
    // At the floor every workload, the TURN relay and the three consumers run 2 pods: 2 x (500 + 5 x 1000) + 2 x 500 +
    // 3 x 2 x 500 = 15,000 mCPU / (4,000 x 0.85 x 3 AZs) = 1.47 -> 2. At the ceiling 4 (twice the floor): 30,000 mCPU
    // + 25 % surge = 37,500 / 10,200 = 3.68 -> 4.
    expect([c.nodeInstanceType, c.nodesPerAzMin, c.nodesPerAzMax, c.nodeDiskGiB]).toEqual(['m7g.xlarge', 2, 4, 50]);
  });

  it('sizes every workload from the phase and merges per-workload overrides', () => {
    const c = planFor({ phase: 3, sizes: { compute: { workloads: { chat: { maxReplicas: 20, memoryMiB: 2048 } } } } }).compute;
    expect(Object.keys(c.workloads)).toEqual([...WORKLOADS]);
    expect(c.workloads.chat).toEqual({ minReplicas: 2, maxReplicas: 20, cpuMillis: 1000, memoryMiB: 2048 });
    expect(c.workloads.gateway).toEqual({ minReplicas: 2, maxReplicas: 4, cpuMillis: 500, memoryMiB: 512 });
  });

  it('pins third-party images by digest, pulled through the region\'s ECR cache of Docker Hub, and tags gigascale images with the package version in the regional ECR', () => {
    const images = planFor({}).compute.images;
    expect(images.gateway).toBe(ENVOY_IMAGE);
    expect(ENVOY_IMAGE).toMatch(/^envoyproxy\/envoy:v1\.36\.2@sha256:[a-f0-9]{64}$/);
    expect(images.turn).toBe(COTURN_IMAGE);
    expect(COTURN_IMAGE).toMatch(/^coturn\/coturn:4\.7\.0@sha256:[a-f0-9]{64}$/);
    expect(images.chat).toBe(`gigascale/chat:${version}`);
    expect(images.migrations).toBe(`gigascale/db-migrate:${version}`);
    expect(imageUri(images.chat, '123456789012', 'eu-west-1')).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/gigascale/chat:${version}`);
    expect(imageUri(images.gateway, '123456789012', 'eu-west-1')).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/${ENVOY_IMAGE}`);
    // Docker Hub's official images live under library/, which the cache's path must name.
    expect(imageUri('redis:7.4', '123456789012', 'eu-west-1')).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/redis:7.4');
    expect(imageUri('registry.example.com:5000/team/app@sha256:' + 'a'.repeat(64), '1', 'r')).toBe('registry.example.com:5000/team/app@sha256:' + 'a'.repeat(64));
    expect([imageDigest(ENVOY_IMAGE), imageDigest('gigascale/chat:1.0.0')]).toEqual([ENVOY_IMAGE.split('@')[1], undefined]);
  });

  it('runs images only by digest from phase 4, naming each configured tag and the defaults the config must pin', () => {
    const digest = 'sha256:' + 'b'.repeat(64);
    const phase4 = resolvePlan(configWith(env({ phase: 4, shards: 2, compute: { images: { chat: 'gigascale/chat:2.0.0', auth: `gigascale/auth:2.0.0@${digest}` } } })));
    expect(imageDigestIssues(phase4.environments)).toEqual([
      {
        at: `${E}.compute.images.chat`,
        message: 'phase 4 serves production traffic, which runs images only by digest: pin it as "gigascale/chat:2.0.0@sha256:<64 hex>", the digest the registry returned when it was pushed',
      },
      {
        at: `${E}.compute.images`,
        message:
          `phase 4 serves production traffic, which runs images only by digest, and the defaults of entity, voice, memory, migrations, probe, memory-consumer, ` +
          `analytics-consumer, push-consumer name a tag only (gigascale/entity:${version}, ...): list each as <name>:<tag>@sha256:<64 hex>, with the digest your release pushed to ECR`,
      },
    ]);
    // The shipped prod pins every image; below phase 4 a release tag is enough (gigascale's repositories have immutable tags).
    expect(imageDigestIssues(resolvePlan(defaultConfig).environments)).toEqual([]);
    expect(imageDigestIssues([planFor({ compute: { images: { chat: 'gigascale/chat:2.0.0' } } })])).toEqual([]);
  });

  it('keeps the cluster endpoint private unless CIDRs are configured', () => {
    expect(planFor({}).compute.publicEndpointCidrs).toEqual([]);
    const prod = resolvePlan(defaultConfig).environments.find((e) => e.name === 'prod')!;
    expect(prod.compute.publicEndpointCidrs).toEqual([]);
  });
});

describe('ingress plan', () => {
  it("admits Cloudflare's published ranges by default", () => {
    const i = planFor({}).ingress;
    expect(i.edgeIpv4Cidrs).toEqual(CLOUDFLARE_IPV4);
    expect(i.edgeIpv6Cidrs).toEqual(CLOUDFLARE_IPV6);
    expect(CLOUDFLARE_IPV4).toHaveLength(15);
    expect(CLOUDFLARE_IPV6).toHaveLength(7);
  });

  it('splits configured edge CIDRs by family and takes the rate limit from the phase', () => {
    const i = planFor({ phase: 3, ingress: { hostedZoneId: 'Z1', edgeCidrs: ['2001:db8::/32', '203.0.113.0/24'] } }).ingress;
    expect([i.edgeIpv4Cidrs, i.edgeIpv6Cidrs]).toEqual([['203.0.113.0/24'], ['2001:db8::/32']]);
    expect(i.rateLimitPer5Minutes).toBe(2000);
    expect(i.idleTimeoutSeconds).toBe(3600);
    expect(i.hostedZoneId).toBe('Z1');
  });
});

describe('compute and ingress config errors', () => {
  it('refuses latest and untagged images, naming the image', () => {
    expect(problems(configWith(env({ compute: { images: { chat: 'gigascale/chat:latest', auth: 'gigascale/auth' } } })))).toEqual([
      `${E}.compute.images.chat: must not use the tag latest (a deploy would not say what runs); pin a release tag or a digest, got "gigascale/chat:latest"`,
      `${E}.compute.images.auth: must name a tag or a digest (an untagged image means latest), got "gigascale/auth"`,
    ]);
  });

  it('refuses an unknown image key', () => {
    expect(problems(configWith(env({ compute: { images: { web: 'x:1' } as never } })))).toEqual([
      `${E}.compute.images.web: unknown image; images are gateway, auth, entity, chat, voice, memory, turn, migrations, probe, memory-consumer, analytics-consumer, push-consumer`,
    ]);
  });

  it('refuses an admin that is not an IAM role ARN', () => {
    expect(problems(configWith(env({ compute: { adminRoleArns: ['arn:aws:iam::123456789012:user/alice'] } })))).toEqual([
      `${E}.compute.adminRoleArns[0]: must be an IAM role ARN like arn:aws:iam::123456789012:role/platform-admin, got "arn:aws:iam::123456789012:user/alice"`,
    ]);
  });

  it('refuses a public endpoint open to the internet and malformed CIDRs', () => {
    expect(problems(configWith(env({ compute: { publicEndpointCidrs: ['0.0.0.0/0', '10.0.0.300/8', '2001:db8::/32'] } })))).toEqual([
      `${E}.compute.publicEndpointCidrs[0]: 0.0.0.0/0 would open the cluster API to the whole internet; list the networks that run kubectl, or none for a private endpoint`,
      expect.stringMatching(/^environments\.test\.compute\.publicEndpointCidrs\[1\]: /),
      `${E}.compute.publicEndpointCidrs[2]: must be an IPv4 CIDR (EKS public access is IPv4), got "2001:db8::/32"`,
    ]);
  });

  it('refuses an environment with neither a hosted zone nor certificates for every region', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    expect(problems(configWith(env({ ingress: { certificateArns: { 'us-east-1': arn } } })))).toEqual([
      `${E}.ingress: needs hostedZoneId (the Route 53 zone of the domain, for DNS-validated certificates and origin-<region> records) or a certificateArns entry for eu-west-1`,
    ]);
  });

  it('refuses a certificate of another region or for a region the environment lacks', () => {
    const arn = (r: string) => `arn:aws:acm:${r}:123456789012:certificate/12345678-1234-1234-1234-123456789012`;
    expect(problems(configWith(env({ ingress: { certificateArns: { 'us-east-1': arn('us-east-1'), 'eu-west-1': arn('us-east-1'), 'ap-south-1': arn('ap-south-1') } } })))).toEqual([
      `${E}.ingress.certificateArns.eu-west-1: the certificate is in us-east-1, but an ALB in eu-west-1 can only use a certificate of its own region`,
      `${E}.ingress.certificateArns.ap-south-1: ap-south-1 is not among the environment's regions (us-east-1, eu-west-1)`,
    ]);
  });

  it('refuses malformed edge CIDRs and a bad zone id', () => {
    expect(problems(configWith(env({ ingress: { hostedZoneId: 'zone', edgeCidrs: ['2001:db8::/129'] } })))).toEqual([
      `${E}.ingress.hostedZoneId: must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ, got "zone"`,
      `${E}.ingress.edgeCidrs[0]: must be an IPv4 or IPv6 CIDR, got "2001:db8::/129"`,
      `${E}.ingress.edgeCidrs: must list at least one IPv4 CIDR: the VPCs and ALBs are IPv4 only, so IPv6 ranges admit nothing`,
    ]);
  });

  it('refuses a minimum above its maximum, whether the maximum is set or planned', () => {
    expect(problems(configWith(env({ sizes: { compute: { nodesPerAzMin: 5, nodesPerAzMax: 2, workloads: { chat: { minReplicas: 9, maxReplicas: 3 } } } } })))).toEqual([
      `${E}.sizes.compute.nodesPerAzMin: 5 is more than nodesPerAzMax 2`,
      `${E}.sizes.compute.workloads.chat.minReplicas: 9 is more than maxReplicas 3`,
    ]);
    expect(problems(configWith(env({ sizes: { compute: { nodesPerAzMin: 5, workloads: { chat: { maxReplicas: 1 } } } } })))).toEqual([
      `${E}.sizes.compute.nodesPerAzMin: 5 is more than nodesPerAzMax 4 (planned)`,
      `${E}.sizes.compute.workloads.chat.minReplicas: 2 is more than maxReplicas 1`,
    ]);
  });

  it("takes the nodes' AMI alias from the config, latest by default, and refuses one Karpenter's AL2023 family cannot resolve", () => {
    expect(planFor({}).compute.nodeAmiAlias).toBe('al2023@latest');
    expect(planFor({ compute: { nodeAmiAlias: 'al2023@v20260501' } }).compute.nodeAmiAlias).toBe('al2023@v20260501');
    expect(problems(configWith(env({ compute: { nodeAmiAlias: 'bottlerocket@latest' } })))).toEqual([
      `${E}.compute.nodeAmiAlias: must be an EC2NodeClass AMI alias of Amazon Linux 2023: al2023@latest, or a release like al2023@v20260501, got "bottlerocket@latest"`,
    ]);
  });

  it("refuses an event consumer whose topics' partitions leave its autoscaler no room above its floor", () => {
    // 250 events/s of user-actions per region x 1.3 / 10 per pod = 33 pods at the peak, 10 at the trough; the topic
    // has 6 partitions, so the ceiling is 6.
    expect(problems(configWith(env({ capacity: { eventsPerConsumerPod: { memory: 10 } } })))).toEqual([
      `${E}.sizes.bus.minPartitions: the memory consumer's ceiling of 6 pods (partitions) is not above its floor of 10: its topics need more partitions (raise minPartitions, or lower partitionMBps), or each pod must handle more (capacity.eventsPerConsumerPod.memory)`,
    ]);
  });

  it('refuses an autoscaler whose ceiling is its floor, set or planned', () => {
    expect(problems(configWith(env({ sizes: { compute: { workloads: { chat: { minReplicas: 4, maxReplicas: 4 }, voice: { minReplicas: 8 } } } } })))).toEqual([
      `${E}.sizes.compute.workloads.chat.minReplicas: 4 equals maxReplicas 4: an autoscaler whose ceiling is its floor cannot scale; set maxReplicas above it`,
    ]);
    // A planned ceiling follows a configured floor (scaleOutRatio x the floor), so only a configured ceiling can equal it.
    expect(planFor({ sizes: { compute: { workloads: { voice: { minReplicas: 8 } } } } }).compute.workloads.voice).toMatchObject({ minReplicas: 8, maxReplicas: 16 });
  });

  it('refuses edge ranges without an IPv4 CIDR', () => {
    expect(problems(configWith(env({ ingress: { hostedZoneId: 'Z1', edgeCidrs: ['2001:db8::/32'] } })))).toEqual([
      `${E}.ingress.edgeCidrs: must list at least one IPv4 CIDR: the VPCs and ALBs are IPv4 only, so IPv6 ranges admit nothing`,
    ]);
  });

  it('refuses a non-Graviton node type and an unknown workload', () => {
    expect(problems(configWith(env({ sizes: { compute: { nodeInstanceType: 'm7i.xlarge', workloads: { web: {} } as never } } })))).toEqual([
      expect.stringMatching(/^environments\.test\.sizes\.compute\.nodeInstanceType: must be a Graviton EC2 instance type \(m7g\.large, .*\), got "m7i\.xlarge"$/),
      `${E}.sizes.compute.workloads.web: unknown workload; workloads are declared in lib/facts/workloads.ts: gateway, auth, entity, chat, voice, memory`,
    ]);
  });

  it.each([
    ['envoyproxy/envoy:v1.36.2', undefined],
    ['gigascale/auth@sha256:' + '0'.repeat(64), undefined],
    ['Upper/Case:1', 'must be an image reference like registry/name:tag or name@sha256:<64 hex>, got "Upper/Case:1"'],
    ['a b:1', 'must be an image reference like registry/name:tag or name@sha256:<64 hex>, got "a b:1"'],
  ])('judges the image reference %s', (ref, problem) => {
    expect(imageProblem(ref)).toBe(problem);
  });
});
