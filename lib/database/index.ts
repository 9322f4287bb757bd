export * from './engine';
export * from './props';
export * from './managed-database';
export * from './rds-database';
export { DATABASE_CA_CERT_PATH } from './private/core';
