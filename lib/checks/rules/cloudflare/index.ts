// The built-in rules about Cloudflare resources: tunnels, their ingress and DNS records.
export { TunnelAdminRoutesBehindAccess } from './tunnel-admin-access';
export { TunnelCatchAllRule } from './tunnel-catch-all';
export { TunnelDnsProxied } from './tunnel-dns-proxied';
