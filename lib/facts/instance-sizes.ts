/** The sizes of AWS instance types, as the planner and the price list read them. */

/** vCPUs of an AWS size suffix: large 2, xlarge 4, Nxlarge 4N (medium 2: db.t4g.medium). */
export function vcpusOfSize(type: string): number {
  const size = type.split('.').at(-1) ?? '';
  if (size === 'medium' || size === 'large') return 2;
  if (size === 'xlarge') return 4;
  const n = /^(\d+)xlarge$/.exec(size);
  if (n === null) throw new Error(`no vCPU count for ${type}`);
  return 4 * Number(n[1]);
}
