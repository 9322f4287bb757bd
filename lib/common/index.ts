export * from './region';
export * from './contracts';
