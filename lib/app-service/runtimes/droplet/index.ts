export * from './droplet-size';
export * from './droplet-runtime';
export * from './release-store';
