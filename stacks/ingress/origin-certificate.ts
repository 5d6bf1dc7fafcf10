import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { GigascaleError } from '../../lib/util/errors';

export interface OriginCertificateProps {
  /** Name the certificate is issued for: the ALB's origin name (lib/facts/names/ingress.ts `originHostname`). */
  readonly domainName: string;
  /** Further names on the certificate: the TURN relay (lib/facts/names/ingress.ts `turnHostname`), served by the NLB's TLS listener. */
  readonly subjectAlternativeNames: readonly string[];
  /**
   * A certificate issued elsewhere (the config's `ingress.certificateArns[region]`); it must cover `domainName` and
   * every subject alternative name.
   * @default - a new certificate, DNS-validated in `hostedZone`
   */
  readonly certificateArn?: string;
  /**
   * Route 53 zone the new certificate is validated in.
   * @default - none; then `certificateArn` is required
   */
  readonly hostedZone?: route53.IHostedZone;
}

/**
 * The certificate of a region's load balancers: the configured ARN when there is one (nothing is created), otherwise
 * an RSA-2048 ACM certificate for the origin and TURN names, DNS-validated in the environment's zone (ACM renews it
 * while the validation records stay), logged to Certificate Transparency (browsers reject certificates that are not).
 */
export function originCertificate(scope: Construct, id: string, props: OriginCertificateProps): acm.ICertificate {
  if (props.certificateArn !== undefined) return acm.Certificate.fromCertificateArn(scope, id, props.certificateArn);
  if (props.hostedZone === undefined) {
    // Unreachable from a validated plan (lib/plan/validate: hostedZoneId or a certificate ARN per region).
    throw new GigascaleError('Invalid origin certificate', [
      { at: `${scope.node.path}/${id}`, message: 'needs certificateArn (an existing certificate) or hostedZone (to validate a new one), got neither' },
    ]);
  }
  return new acm.Certificate(scope, id, {
    domainName: props.domainName,
    subjectAlternativeNames: [...props.subjectAlternativeNames],
    validation: acm.CertificateValidation.fromDns(props.hostedZone),
    keyAlgorithm: acm.KeyAlgorithm.RSA_2048,
    transparencyLoggingEnabled: true,
    allowExport: false,
  });
}
