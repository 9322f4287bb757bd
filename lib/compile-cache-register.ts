/**
 * Turns the compile cache on when loaded: `node -r cdktf-erp-constructs/dist/lib/compile-cache-register main.js`
 * caches every module the app loads after it, without changing the app's code.
 */
import { enableCompileCache } from './compile-cache';

enableCompileCache();
