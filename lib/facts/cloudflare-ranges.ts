/**
 * Cloudflare's published edge ranges: the only sources the ALBs admit (stacks/ingress), because every request must
 * come through the edge (edge/). Source: https://www.cloudflare.com/ips-v4 and https://www.cloudflare.com/ips-v6,
 * as published on 2026-11-01. Cloudflare changes them rarely and announces changes; override them in the config
 * (`ingress.edgeCidrs`) when it does, before the edge starts using a new range.
 */
export const CLOUDFLARE_RANGES_DATE = '2026-11-01';

export const CLOUDFLARE_IPV4: readonly string[] = [
  '103.21.244.0/22',
  '103.22.200.0/22',
  '103.31.4.0/22',
  '104.16.0.0/13',
  '104.24.0.0/14',
  '108.162.192.0/18',
  '131.0.72.0/22',
  '141.101.64.0/18',
  '162.158.0.0/15',
  '172.64.0.0/13',
  '173.245.48.0/20',
  '188.114.96.0/20',
  '190.93.240.0/20',
  '197.234.240.0/22',
  '198.41.128.0/17',
];

export const CLOUDFLARE_IPV6: readonly string[] = [
  '2400:cb00::/32',
  '2405:8100::/32',
  '2405:b500::/32',
  '2606:4700::/32',
  '2803:f800::/32',
  '2a06:98c0::/29',
  '2c0f:f248::/32',
];
