import { describe, expect, it } from 'vitest';
import { catalogRegion, catalogRegionNames, REGION_CATALOG } from '../lib/facts/regions';

const REQUIRED = [
  'us-east-1', 'us-east-2', 'us-west-2', 'ca-central-1', 'sa-east-1', 'eu-west-1', 'eu-west-2', 'eu-central-1',
  'eu-north-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1',
];

describe('region catalog', () => {
  it.each(REQUIRED)('knows three AZs of %s, each named after the region', (name) => {
    const r = catalogRegion(name);
    expect(r?.azs).toHaveLength(3);
    for (const az of r!.azs) expect(az).toMatch(new RegExp(`^${name}[a-z]$`));
  });

  it('knows the two AZs of us-west-1', () => {
    expect(catalogRegion('us-west-1')?.azs).toHaveLength(2);
  });

  it('gives every region its own CIDR slot inside 10.0.0.0/8', () => {
    const slots = Object.values(REGION_CATALOG).map((r) => r.slot);
    expect(new Set(slots).size).toBe(slots.length);
    for (const s of slots) expect(s).toBeGreaterThanOrEqual(0);
    for (const s of slots) expect(s).toBeLessThan(256);
  });

  it('places every region on the map', () => {
    for (const r of Object.values(REGION_CATALOG)) {
      expect(Math.abs(r.latitude)).toBeLessThanOrEqual(90);
      expect(Math.abs(r.longitude)).toBeLessThanOrEqual(180);
    }
  });

  it('does not mistake inherited object keys for regions', () => {
    expect(catalogRegion('constructor')).toBeUndefined();
    expect(catalogRegionNames()).not.toContain('constructor');
  });
});
