export * from './rule';
export * from './erp-checks';
export * from './report';
