export * from './process-model';
export * from './runtime';
export * from './app-service';
export * from './droplet-size';
export * from './droplet-runtime';
export * from './docker-runtime';
export * from './local-database';
export * from './kubernetes';
