export * from './migrations-job';
export * from './service-config-chart';
export * from './data-charts';
