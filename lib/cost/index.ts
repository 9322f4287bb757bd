export * from './catalogue';
export * from './item';
export { CostEstimate, DEFAULT_ASSUMPTIONS, EstimateOptions, estimateStack, estimateTerraformJson, formatUsd } from './estimate';
