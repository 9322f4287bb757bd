export * from './kubernetes-cluster';
export * from './kubernetes-runtime';
