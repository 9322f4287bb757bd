/**
 * Repository tooling: copies the files that ship beside the compiled
 * JavaScript (the droplet agent's shell script, `lib/**\/*.sh`) into the output
 * folder. tsc copies only what it compiles; the build step (tools/build.ts)
 * and `prepack` call this.
 *
 * `node dist/tools/assets.js [outDir]` copies into `dist/` (or `outDir`).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT } from './root';

/** Extensions of the files copied. */
const ASSET = /\.sh$/;

/** True for a file the build copies rather than compiles. */
export function isAsset(file: string): boolean {
  return ASSET.test(file);
}

function assetsUnder(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) assetsUnder(path, out);
    else if (isAsset(entry.name)) out.push(path);
  }
}

/** Copies every asset under `<root>/lib` to the same place under `outDir`, when its text differs; returns how many were copied. */
export function copyAssets(root: string, outDir: string): number {
  const files: string[] = [];
  assetsUnder(join(root, 'lib'), files);
  let copied = 0;
  for (const file of files) {
    const target = join(outDir, relative(root, file));
    let same = false;
    try {
      same = readFileSync(target).equals(readFileSync(file));
    } catch { /* not copied yet */ }
    if (same) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
    copied += 1;
  }
  return copied;
}

if (require.main === module) {
  copyAssets(ROOT, join(ROOT, process.argv[2] ?? 'dist'));
}
