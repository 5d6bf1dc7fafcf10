export * from './migrations-job';
export * from './shard-map-chart';
export * from './data-charts';
