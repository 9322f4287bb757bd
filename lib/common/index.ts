export * from './region';
export * from './contracts';
export * from './network';
export * from './weekday';
export * from './storage-class';
