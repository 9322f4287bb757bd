export * from './droplet-size';
export * from './droplet-runtime';
