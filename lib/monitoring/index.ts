export * from './app-monitoring';
