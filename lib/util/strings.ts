/** String helpers. */

/** `shards-3` -> `Shards3`, `us-west-2` -> `UsWest2`: construct ids are PascalCase, names are kebab-case. */
export function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}
