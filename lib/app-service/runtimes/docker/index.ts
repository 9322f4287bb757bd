export * from './docker-runtime';
