/**
 * The resource types whose replacement or removal loses state: data, keys, secrets, history, or an identity other
 * resources hang on. One list, used by `npm run -s review` on template diffs and by `npm run -s review:changeset` on
 * change sets. A replacement of any of them creates an empty resource and leaves (or deletes) the old one, so it is
 * refused like a removal; a DeletionPolicy of Retain or Snapshot keeps a copy, it does not keep the service running
 * on it.
 */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  'AWS::RDS::GlobalCluster': 'the global database: every region\'s member cluster and its replication',
  'AWS::RDS::DBCluster': "the shard's data (a new cluster starts empty)",
  'AWS::RDS::DBClusterParameterGroup': "the clusters' engine settings; a new group reboots every cluster that uses it",
  'AWS::RDS::DBParameterGroup': "the instances' engine settings; a new group reboots every instance that uses it",
  'AWS::RDS::DBSubnetGroup': 'the network placement of every cluster in it; a cluster cannot move to a new group in place',
  'AWS::S3::Bucket': 'every object and version in the bucket',
  'AWS::ElastiCache::ReplicationGroup': 'the cache and what sessions, presence and rate limits hold in it',
  'AWS::ElastiCache::ServerlessCache': 'the cache and what sessions, presence and rate limits hold in it',
  'AWS::MSK::Cluster': 'every topic and record on the brokers',
  'AWS::MSK::ServerlessCluster': 'every topic and record on the cluster',
  'AWS::MSK::Topic': 'the records of the topic and its consumers\' offsets',
  'AWS::KMS::Key': 'everything encrypted under the key (it cannot be decrypted once the key is deleted)',
  'AWS::SecretsManager::Secret': 'the secret value (a new secret has a new value and a new ARN)',
  'AWS::Logs::LogGroup': 'the log history',
  'AWS::EKS::Cluster': "the cluster's Kubernetes objects, OIDC issuer, access entries and Pod Identity associations",
  'Custom::AWSCDK-EKS-Cluster': "the cluster's Kubernetes objects, OIDC issuer and access",
  'AWS::ECR::Repository': 'every image in the repository',
};

export function isStateful(type: string | undefined): boolean {
  return type !== undefined && Object.hasOwn(STATEFUL_TYPES, type);
}
