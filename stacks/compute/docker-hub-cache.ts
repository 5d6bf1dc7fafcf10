import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DOCKER_HUB_CACHE_PREFIX } from '../../lib/facts/images';
import { dockerHubCredentialsSecretName } from '../../lib/facts/names/compute';

export interface DockerHubCacheProps {
  readonly environment: string;
  /** The node roles that pull: each may import an upstream image into the cache (and create its repository). */
  readonly nodeRoles: readonly iam.IRole[];
}

/**
 * The region's ECR pull-through cache of Docker Hub: pods pull third-party images (Envoy, coturn) as
 * `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub/<repository>` (lib/facts/images.ts imageUri), and ECR fetches
 * each from Docker Hub once and serves it from then on. A scale-out then depends on ECR alone, not on Docker Hub's
 * availability or its pull rate limits, and the image a rollback needs stays in the account.
 *
 * Docker Hub needs credentials for a pull-through cache ("Creating a pull through cache rule", Amazon ECR User
 * Guide): the stack creates their secret with a generated token that Docker Hub will refuse, and an operator puts
 * the real username and access token in it before the first deploy of the workloads (docs/deploy.md). It is
 * encrypted with the AWS-managed key: ECR reads it through its pull-through cache service-linked role, whose policy
 * (AWSECRPullThroughCache_ServiceRolePolicy) allows secretsmanager:GetSecretValue on `ecr-pullthroughcache/*` and
 * no kms:Decrypt on a customer key.
 */
export class DockerHubCache extends Construct {
  readonly credentials: secretsmanager.Secret;
  readonly rule: ecr.CfnPullThroughCacheRule;
  readonly pullPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: DockerHubCacheProps) {
    super(scope, id);
    this.credentials = new secretsmanager.Secret(this, 'Credentials', {
      secretName: dockerHubCredentialsSecretName(props.environment),
      description: 'Docker Hub username and access token of the ECR pull-through cache: replace the generated values with a real account\'s before the first deploy',
      generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'set-me' }), generateStringKey: 'accessToken', excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.rule = new ecr.CfnPullThroughCacheRule(this, 'Rule', {
      ecrRepositoryPrefix: DOCKER_HUB_CACHE_PREFIX,
      upstreamRegistry: 'docker-hub',
      upstreamRegistryUrl: 'registry-1.docker.io',
      credentialArn: this.credentials.secretArn,
    });
    // A pull through the cache by a node: the first one of an image imports it, and creates its repository
    // ("IAM permissions required to sync an upstream registry", Amazon ECR User Guide).
    const cached = `arn:${Aws.PARTITION}:ecr:${Aws.REGION}:${Aws.ACCOUNT_ID}:repository/${DOCKER_HUB_CACHE_PREFIX}/*`;
    this.pullPolicy = new iam.ManagedPolicy(this, 'Pull', {
      description: 'Nodes pull Docker Hub images through the ECR pull-through cache: import on first pull, into a repository under docker-hub/',
      statements: [new iam.PolicyStatement({ sid: 'PullThroughTheDockerHubCache', actions: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'], resources: [cached] })],
      roles: [...props.nodeRoles],
    });
  }
}
