export * from './process-model';
export * from './runtime';
export * from './app-service';
export * from './runtimes';
export * from './secret';
export * from './app-file';
export * from './registry';
