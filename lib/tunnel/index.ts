export * from './access';
export * from './zone-security';
export * from './tunnel-ingress';
