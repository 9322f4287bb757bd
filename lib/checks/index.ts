export * from './rule';
export * from './model';
export * from './erp-rule';
export * from './erp-checks';
export * from './report';
