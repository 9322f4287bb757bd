export * from './access';
export * from './zone-security';
export * from './edge-certificate';
export * from './tunnel-ingress';
