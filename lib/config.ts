/**
 * What a config module imports: `defineConfig` and the config's types. regions.config.ts and any module named by
 * `-c config=<path>` import from here, so moving code inside lib/ never breaks a user's config.
 */
export { defineConfig } from './plan/define';
export type * from './plan/schema';
