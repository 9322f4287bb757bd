/**
 * Entry of the scale workload, started the way the app is: the compile cache
 * goes on before cdktf and the providers load (see main.ts).
 */
import { enableCompileCache } from '../tools/compile-cache';

enableCompileCache();
(require('./scale-app') as typeof import('./scale-app')).synthScaleStack();
