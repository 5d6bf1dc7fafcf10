/**
 * Aurora PostgreSQL instance classes gigascale allows: Graviton only (r6g, r7g, r8g, x2g, t4g), with their memory,
 * which decides how many connections an instance can hold.
 */

/** Memory of each allowed instance class, GiB (AWS instance type specifications). */
export const GRAVITON_CLASS_MEMORY_GIB: Readonly<Record<string, number>> = Object.fromEntries(
  [
    ...['r6g', 'r7g', 'r8g'].flatMap((family) =>
      [
        ['large', 16],
        ['xlarge', 32],
        ['2xlarge', 64],
        ['4xlarge', 128],
        ['8xlarge', 256],
        ['12xlarge', 384],
        ['16xlarge', 512],
      ].map(([size, gib]) => [`db.${family}.${size}`, gib as number] as const),
    ),
    ['db.x2g.large', 32],
    ['db.x2g.xlarge', 64],
    ['db.x2g.2xlarge', 128],
    ['db.x2g.4xlarge', 256],
    ['db.x2g.8xlarge', 512],
    ['db.x2g.12xlarge', 768],
    ['db.x2g.16xlarge', 1024],
    ['db.t4g.medium', 4],
    ['db.t4g.large', 8],
  ].sort(([a], [b]) => String(a).localeCompare(String(b))),
);

export function isGravitonClass(instanceClass: string): boolean {
  return Object.hasOwn(GRAVITON_CLASS_MEMORY_GIB, instanceClass);
}

/**
 * Aurora PostgreSQL's own default for `max_connections`: LEAST(DBInstanceClassMemory / 9531392, 5000), where
 * DBInstanceClassMemory is the class memory less what the OS and RDS reserve. The reserve is approximated here as
 * the full memory, so the figure is an upper bound a little above what Aurora computes; gigascale never sets
 * `max_connections` above it, because connections beyond it run the instance out of memory.
 */
export function maxConnectionsLimit(instanceClass: string): number {
  const gib = GRAVITON_CLASS_MEMORY_GIB[instanceClass];
  if (gib === undefined) throw new Error(`unknown instance class ${instanceClass}`);
  return Math.min(Math.floor((gib * 1024 ** 3) / 9_531_392), 5000);
}
