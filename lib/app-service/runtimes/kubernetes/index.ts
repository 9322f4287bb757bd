export * from './existing-kubernetes-cluster';
export * from './kubernetes-cluster';
export * from './kubernetes-runtime';
