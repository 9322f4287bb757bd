/**
 * Entry of the scale workload, started the way the app is: the compile cache
 * goes on before cdktf and the providers load, token creation stacks off (see main.ts).
 */
import { enableCompileCache } from '../tools/compile-cache';
import { skipTokenCreationStacks } from '../tools/token-stacks';

enableCompileCache();
skipTokenCreationStacks();
(require('./scale-app') as typeof import('./scale-app')).synthScaleStack();
