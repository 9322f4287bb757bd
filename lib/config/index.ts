export * from './description';
export * from './laravel-example';
export * from './load';
export { validateAppDescription, cronProblem } from './validate';
