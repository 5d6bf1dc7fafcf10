export * from './define';
export * from './load';
export * from './overrides';
export * from './phases';
export * from './plan';
export * from './resolve';
export * from './schema';
export * from './validate';
