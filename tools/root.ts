import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the first folder up from this file (tools/ or dist/tools/) with a package.json. */
export const ROOT: string = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
})();
