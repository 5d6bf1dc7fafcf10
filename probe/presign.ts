/**
 * A SigV4-presigned GET, signed locally with the AWS SDK's signer: what an ElastiCache IAM token and the probe's STS
 * identity are made of (probe/elasticache-iam.ts, probe/probe-identity.ts). The SDK's default credential chain
 * supplies the credentials (EKS Pod Identity in cluster); tests give their own.
 */
import { formatUrl } from '@aws-sdk/core/util';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';

/** The request to presign. */
export interface PresignRequest {
  /** The signing name of the service: `elasticache`, `sts`. */
  readonly service: string;
  readonly region: string;
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly query: Readonly<Record<string, string>>;
  /** Headers the signature covers besides `host`. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
  /** How long the signature is valid. */
  readonly expiresInSeconds: number;
}

/** The presigned URL of `GET <protocol>//<hostname>/?<query>`, its signature in the query. */
export async function presignedUrl(request: PresignRequest, credentials = fromNodeProviderChain()): Promise<string> {
  const signer = new SignatureV4({ service: request.service, region: request.region, credentials, sha256: Sha256 });
  const unsigned = new HttpRequest({
    method: 'GET',
    protocol: request.protocol,
    hostname: request.hostname,
    path: '/',
    query: { ...request.query },
    headers: { host: request.hostname, ...request.headers },
  });
  return formatUrl(await signer.presign(unsigned, { expiresIn: request.expiresInSeconds }));
}
