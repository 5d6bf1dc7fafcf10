/**
 * The one file users edit. Everything gigascale provisions follows from it; `npx cdk synth` validates it and
 * reports every problem with its path before anything is written.
 *
 * The account ids below are examples: replace them with your own. Deploying to an account other than the one
 * named here is refused by the CDK CLI, so a wrong id fails safely.
 */
import { defineConfig } from './lib/config';

export default defineConfig({
  // The deploy pipeline, in a tooling account that every environment's account trusts (README "Deploy pipeline"):
  // dev, then prod's write region, then prod's other regions one at a time, behind probe gates. The account, the
  // repository and the connection are examples, as the environments' accounts are.
  pipeline: {
    account: '333333333333',
    region: 'us-east-1',
    repository: 'example-org/gigascale',
    connectionArn: 'arn:aws:codeconnections:us-east-1:333333333333:connection/00000000-0000-4000-8000-000000000000',
  },
  environments: {
    dev: {
      phase: 3,
      account: '111111111111',
      domain: 'dev.gigascale.example',
      owner: 'platform',
      costCentre: 'cc-platform-dev',
      regions: ['us-east-1'],
      shards: 2,
      // Sized for 10,000 users: every count the planner derives sits at its floor (npm run -s plan -- --env dev).
      // Events stay at the 10K/s the bus was first sized for: MSK cannot shrink a broker's EBS volume (2,300 GiB).
      workload: { users: 10_000, eventsPerSecond: 10_000 },
      // The Route 53 zone of `domain`: certificates are validated and origin-<region> records created there.
      ingress: { hostedZoneId: 'Z0000000DEVEXAMPLE' },
      // Who administers the EKS cluster (an access entry each); an example role name.
      compute: { adminRoleArns: ['arn:aws:iam::111111111111:role/platform-admin'] },
      // Who dev's alarms reach (an example address); optional before phase 4.
      observability: { notifications: { emails: ['platform-dev@gigascale.example'] } },
      // Smallest sizes: one shared NAT gateway, short flow-log retention.
      sizes: { network: { natGateways: 'one', flowLogRetentionDays: 30 } },
    },
    prod: {
      phase: 4,
      account: '222222222222',
      domain: 'gigascale.example',
      owner: 'platform',
      costCentre: 'cc-platform-prod',
      // The seed's US-East, US-West, EU and APAC; the first is the write region.
      regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'],
      writeRegion: 'us-east-1',
      shards: 16,
      // Launch: 10M users over four regions, the seed's phase-4 load per user; raise it as the product grows
      // (npm run -s plan -- --env prod prints what it plans, and where the 16 shards stand against it).
      // Events stay at the 2M/s (500K per region) the bus was first sized for: Kafka cannot remove partitions, so
      // a lower rate would plan fewer than the topics have (52, 512, 11, 11) and MSK would refuse the update.
      workload: { users: 10_000_000, eventsPerSecond: 2_000_000 },
      ingress: { hostedZoneId: 'Z0000000PRODEXAMPLE' },
      // Who every alarm of every region reaches (an example address; SNS asks it to confirm once).
      observability: { notifications: { emails: ['platform-oncall@gigascale.example'] } },
      // The cluster API is private: kubectl runs from inside the VPC (a bastion, SSM, a VPN). To open the public
      // endpoint to an operators' network, state it: compute.publicEndpointCidrs: ['198.51.100.0/24'].
      compute: {
        adminRoleArns: ['arn:aws:iam::222222222222:role/platform-admin'],
        // Phase 4 runs images only by digest. gigascale's own, as the release pushed them to ECR: the services' CI
        // writes these lines (the digest ECR returns on push). The digests here are an example release's, as the
        // account ids are examples. Envoy and coturn keep their pinned defaults (lib/facts/images.ts).
        images: {
          auth: 'gigascale/auth:0.1.0@sha256:7c0055838668aa57a0bf0ebcd267fa247b0af703d2c5a4072588a5c9b01c6f35',
          entity: 'gigascale/entity:0.1.0@sha256:c6860cd3f5eb8703a507d841f1492ade5e6add52f6995d5edaaab7868069bfb6',
          chat: 'gigascale/chat:0.1.0@sha256:75ed25d689b660ccb1b693966117718910fa6d1ee2be6d4dc1047505469bbb9a',
          voice: 'gigascale/voice:0.1.0@sha256:f96b4ff22baeed0b6bd1cec31359b0e39907ac40805dd7c2396da8dbfe7f7140',
          memory: 'gigascale/memory:0.1.0@sha256:86b7b91ba552557c8379eeb63c2876ab18eff90e84c9ef07753bc1538b1d3baa',
          migrations: 'gigascale/db-migrate:0.1.0@sha256:dc7c5aef8aebbf17514e98467533696286bc28080d897d393a70d73c1f6940a8',
          probe: 'gigascale/probe:0.1.0@sha256:d7de73da0da8ffed5712c16ebeab96b060220d48045b0df5bff53a60c9effa6f',
          'memory-consumer': 'gigascale/memory-consumer:0.1.0@sha256:816eca1e4d7c054231e3fa14d8335fedb73ea1d68619ac05b9593f7737bc54e1',
          'analytics-consumer': 'gigascale/analytics-consumer:0.1.0@sha256:5e5a20c865340cfb845191838acec08676a5c994595ef4ae1115574793d5c3c5',
          'push-consumer': 'gigascale/push-consumer:0.1.0@sha256:dc1518bd1f1c46179fafc58559a7c43f9c8d5a11e47bd4936ddfa96e47aabb25',
        },
      },
      // `npm run -s budget` prints every flow's static P95; synth fails on a breach that is not waived here.
      latencyBudgets: {
        waivers: [
          {
            region: 'ap-southeast-1',
            flow: 'memory.write',
            reason:
              'one write region (the seed\'s phase 4): AI-memory writes from APAC are forwarded to us-east-1 and pay its ' +
              '~220 ms round trip; accepted because they are off the chat path, until writes become regional',
          },
        ],
      },
    },
  },
});
