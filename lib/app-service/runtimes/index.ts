export * from './base';
export * from './droplet';
export * from './docker';
export * from './kubernetes';
