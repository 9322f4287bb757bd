/**
 * Entry of the scale workload, started the way the app is: tools/fast-start.ts
 * runs before cdktf and the providers load (see main.ts).
 */
import { fastStart } from '../tools/fast-start';

fastStart();
(require('./scale-app') as typeof import('./scale-app')).synthScaleStack();
