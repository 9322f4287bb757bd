// The public API of cdktf-erp-constructs: re-exports only.
export * from './errors';
export * from './common';
export * from './backup';
export * from './database';
export * from './tunnel';
export * from './app-service';
export * from './cost';
export * from './checks';
export * from './monitoring';
