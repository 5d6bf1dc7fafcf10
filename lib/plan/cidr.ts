/** IPv4 CIDR arithmetic: parsing, overlap and the automatic VPC CIDR assignment. No CDK imports. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  /** Prefix length, 0..32. */
  readonly prefix: number;
}

const CIDR_SYNTAX = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns a reason string when the text is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Cidr | string {
  const m = CIDR_SYNTAX.exec(text);
  if (!m) return `must be an IPv4 CIDR like 10.0.0.0/16, got ${JSON.stringify(text)}`;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return `must be an IPv4 CIDR like 10.0.0.0/16, got ${text}`;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    return `${text} has host bits set; the network address is ${formatCidr({ base: base - (base % size), prefix })}`;
  }
  return { base, prefix };
}

export function formatCidr(cidr: Cidr): string {
  const b = cidr.base;
  return `${Math.floor(b / 2 ** 24)}.${Math.floor(b / 2 ** 16) % 256}.${Math.floor(b / 2 ** 8) % 256}.${b % 256}/${cidr.prefix}`;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + cidrSize(inner) <= outer.base + cidrSize(outer);
}

/** RFC 1918 private ranges: VPCs are addressed from these only. */
export const PRIVATE_RANGES: readonly Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(
  (t) => parseCidr(t) as Cidr,
);

export function isPrivate(cidr: Cidr): boolean {
  return PRIVATE_RANGES.some((r) => contains(r, cidr));
}

/** The pool automatic VPC CIDRs come from, and their size. */
export const AUTO_POOL = parseCidr('10.0.0.0/8') as Cidr;
export const AUTO_PREFIX = 16;

export interface CidrRequest {
  /** Region name, for the error message. */
  readonly region: string;
  /** A CIDR the config pins, if any. */
  readonly given?: Cidr;
  /** The /16 slot the region prefers inside AUTO_POOL (from the region catalog), if it has one. */
  readonly slot?: number;
}

/**
 * Gives every region a VPC CIDR that overlaps no other region of the environment.
 *
 * Order of precedence, each step deterministic: (1) pinned CIDRs are kept as they are; (2) a catalog region
 * takes its own slot (10.<slot>.0.0/16) when that is free, so its CIDR does not depend on which other regions are
 * listed; (3) everything else takes the lowest free /16 of 10.0.0.0/8, in request order.
 * Overlaps among pinned CIDRs are the validator's to report; this function assumes there are none.
 */
export function assignCidrs(requests: readonly CidrRequest[]): Cidr[] {
  const slotSize = 2 ** (32 - AUTO_PREFIX);
  const taken: Cidr[] = requests.flatMap((r) => (r.given ? [r.given] : []));
  const isFree = (c: Cidr) => !taken.some((t) => overlaps(t, c));
  const result: (Cidr | undefined)[] = requests.map((r) => r.given);

  requests.forEach((r, i) => {
    if (r.given || r.slot === undefined) return;
    const preferred = { base: AUTO_POOL.base + r.slot * slotSize, prefix: AUTO_PREFIX };
    if (isFree(preferred)) {
      result[i] = preferred;
      taken.push(preferred);
    }
  });

  const slots = cidrSize(AUTO_POOL) / slotSize;
  requests.forEach((r, i) => {
    if (result[i]) return;
    for (let s = 0; s < slots; s++) {
      const candidate = { base: AUTO_POOL.base + s * slotSize, prefix: AUTO_PREFIX };
      if (isFree(candidate)) {
        result[i] = candidate;
        taken.push(candidate);
        return;
      }
    }
    throw new Error(`no free /${AUTO_PREFIX} left in ${formatCidr(AUTO_POOL)} for region ${r.region}`);
  });
  return result as Cidr[];
}
