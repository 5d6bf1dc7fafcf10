import type { GigascaleConfig } from './schema';

/**
 * Types a config module. Validation happens when the app loads it (`resolvePlan`), so that every problem is
 * reported at once with its path and the process exits before anything is synthesized.
 */
export function defineConfig(config: GigascaleConfig): GigascaleConfig {
  return config;
}
