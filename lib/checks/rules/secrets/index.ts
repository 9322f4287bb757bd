// The built-in rules about secrets: user data, environment values, config maps and outputs.
export { NoPlainSecrets } from './no-plain-secrets';
export { DockerDevelopmentSecrets } from './docker-development-secrets';
export { SecretOutputsSensitive } from './sensitive-outputs';
