import { describe, expect, it } from 'vitest';
import { assignCidrs, formatCidr, overlaps, parseCidr, type Cidr } from '../lib/plan/cidr';
import { subnetLayout } from '../lib/plan/subnets';
import { REGION_CATALOG } from '../lib/facts/regions';

const cidr = (t: string) => parseCidr(t) as Cidr;

describe('parseCidr', () => {
  it('round-trips a canonical CIDR', () => {
    expect(formatCidr(cidr('172.16.32.0/20'))).toBe('172.16.32.0/20');
  });

  it.each([
    ['10.0.0.0', 'must be an IPv4 CIDR like 10.0.0.0/16, got "10.0.0.0"'],
    ['10.0.300.0/16', 'must be an IPv4 CIDR like 10.0.0.0/16, got 10.0.300.0/16'],
    ['10.0.0.0/33', 'must be an IPv4 CIDR like 10.0.0.0/16, got 10.0.0.0/33'],
    ['10.0.1.0/16', '10.0.1.0/16 has host bits set; the network address is 10.0.0.0/16'],
  ])('rejects %s', (text, message) => {
    expect(parseCidr(text)).toBe(message);
  });

  it('detects overlap and adjacency', () => {
    expect(overlaps(cidr('10.0.0.0/16'), cidr('10.0.128.0/17'))).toBe(true);
    expect(overlaps(cidr('10.0.0.0/16'), cidr('10.1.0.0/16'))).toBe(false);
  });
});

describe('assignCidrs', () => {
  it('gives a catalog region its own slot whatever else is listed', () => {
    const alone = assignCidrs([{ region: 'eu-west-1', slot: 6 }]);
    const withOthers = assignCidrs([
      { region: 'us-east-1', slot: 0 },
      { region: 'ap-southeast-1', slot: 12 },
      { region: 'eu-west-1', slot: 6 },
    ]);
    expect(formatCidr(alone[0])).toBe('10.6.0.0/16');
    expect(formatCidr(withOthers[2])).toBe('10.6.0.0/16');
  });

  it('never overlaps across every catalog region plus pinned and unknown ones', () => {
    const requests = [
      { region: 'xx-pinned-1', given: cidr('10.6.0.0/16') }, // takes eu-west-1's slot
      ...Object.entries(REGION_CATALOG).map(([region, r]) => ({ region, slot: r.slot })),
      { region: 'xx-unknown-1' },
    ];
    const out = assignCidrs(requests);
    expect(formatCidr(out[0])).toBe('10.6.0.0/16');
    for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) expect(overlaps(out[i], out[j]), `${i} vs ${j}`).toBe(false);
    }
  });
});

describe('subnetLayout', () => {
  it.each([
    [16, 3, { privatePrefix: 18, publicPrefix: 23, isolatedPrefix: 22 }],
    [16, 2, { privatePrefix: 18, publicPrefix: 23, isolatedPrefix: 22 }],
    [16, 4, { privatePrefix: 19, publicPrefix: 23, isolatedPrefix: 22 }],
    [20, 3, { privatePrefix: 22, publicPrefix: 27, isolatedPrefix: 26 }],
  ])('lays out a /%i over %i AZs', (prefix, azs, expected) => {
    expect(subnetLayout(prefix, azs)).toEqual(expected);
  });

  it('fits private, isolated and public subnets of 2..4 AZs into any /16../20 VPC', () => {
    for (let n = 2; n <= 4; n++) {
      for (let prefix = 16; prefix <= 20; prefix++) {
        const l = subnetLayout(prefix, n);
        const used = n * (2 ** -(l.privatePrefix - prefix) + 2 ** -(l.isolatedPrefix - prefix) + 2 ** -(l.publicPrefix - prefix));
        expect(used).toBeLessThanOrEqual(1);
      }
    }
  });

  it('refuses a VPC smaller than /20', () => {
    expect(() => subnetLayout(21, 3)).toThrow('VPC prefix must be /16../20, got /21');
  });
});
