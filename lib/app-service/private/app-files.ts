import { posix } from 'path';
import { DATABASE_CA_CERT_PATH } from '../../database/private/core';
import { Problems, isUnresolved } from '../../private/validate';
import { AppFile, isAppFile } from '../app-file';
import { MountedFile, ProcessModel } from '../process-model';
import { ResolvedFile } from '../runtime';

/**
 * The largest mounted file, in bytes of UTF-8 (256 KiB). Kubernetes caps a ConfigMap at 1 MiB
 * (each file is one ConfigMap here), and the text also travels in the synthesized JSON, in each
 * droplet release and in the state: configuration files are a few KiB; anything larger belongs in the image.
 */
export const MAX_MOUNTED_FILE_BYTES = 256 * 1024;

/** A PEM private key: mounted files are public, so such text is refused. */
const PRIVATE_KEY_RE = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/** One entry of a process's `files`, where it sits in the model. */
interface Owner {
  /** The prop path of the list (`processes.services[0].files`). */
  readonly prop: string;
  /** The process or job group the files go to: a process name, `release` or `scheduler`. */
  readonly owner: string;
  readonly files: readonly MountedFile[] | undefined;
}

/** Every `files` list of the model, with its prop path and owner. */
function owners(model: ProcessModel): Owner[] {
  const procs = model.processes;
  const out: Owner[] = [{ prop: 'processes.web.files', owner: 'web', files: procs.web?.files }];
  (Array.isArray(procs.workers) ? procs.workers : []).forEach((w, i) => out.push({ prop: `processes.workers[${i}].files`, owner: w?.name, files: w?.files }));
  if (procs.websocket) out.push({ prop: 'processes.websocket.files', owner: procs.websocket.name ?? 'websocket', files: procs.websocket.files });
  (Array.isArray(procs.services) ? procs.services : []).forEach((s, i) => out.push({ prop: `processes.services[${i}].files`, owner: s?.name, files: s?.files }));
  if (procs.release) out.push({ prop: 'processes.release.files', owner: 'release', files: procs.release.files });
  if (procs.scheduler) out.push({ prop: 'processes.scheduler.files', owner: 'scheduler', files: procs.scheduler.files });
  return out;
}

/**
 * Records the problems of every `files` list: an absolute path inside the container (not the
 * database CA certificate's), one file per path in a process, text that can be read, is at most
 * `MAX_MOUNTED_FILE_BYTES` and holds no private key.
 */
export function checkMountedFiles(p: Problems, model: ProcessModel): void {
  for (const o of owners(model)) {
    if (o.files === undefined) continue;
    if (!Array.isArray(o.files)) {
      p.add(o.prop, o.files, 'is not a list', "give [{ path: '/etc/nginx/conf.d/app.conf', content: AppFile.fromPath('config/app.conf') }]");
      continue;
    }
    const seen = new Map<string, number>();
    o.files.forEach((f, i) => {
      const prop = `${o.prop}[${i}]`;
      if (f === null || typeof f !== 'object') {
        p.add(prop, f, 'is not a file', 'give { path, content }');
        return;
      }
      const path = f.path;
      if (!isUnresolved(path)) {
        if (typeof path !== 'string' || !path.startsWith('/') || path.endsWith('/') || path.includes('\0') || path.split('/').includes('..') || path.length > 255) {
          p.add(`${prop}.path`, path, 'is not an absolute file path inside the container', "give e.g. '/etc/phpmyadmin/config.user.inc.php'");
        } else {
          const clean = posix.normalize(path);
          if (clean === DATABASE_CA_CERT_PATH) {
            p.add(`${prop}.path`, path, 'is where every container finds the database CA certificate', 'mount the file at another path');
          }
          const first = seen.get(clean);
          if (first !== undefined) p.add(`${prop}.path`, path, `is also the path of ${o.prop}[${first}]`, 'mount one file per path in a process');
          else seen.set(clean, i);
        }
      }
      checkContent(p, `${prop}.content`, f.content);
    });
  }
}

function checkContent(p: Problems, prop: string, content: string | AppFile | undefined): void {
  let text: string | undefined;
  if (isAppFile(content)) {
    text = content.read();
    if (text === undefined) {
      p.add(prop, content.sourcePath, `names a file that cannot be read (${content.absolutePath})`,
        'create the file, or fix the path (relative paths start from the folder given to AppFile.fromPath, else the current directory)');
      return;
    }
  } else if (typeof content === 'string') {
    text = content;
  } else {
    p.add(prop, content, 'is not the text of a file', "give AppFile.fromText('...'), AppFile.fromPath('config/app.conf') or a string");
    return;
  }
  if (isUnresolved(text)) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_MOUNTED_FILE_BYTES) {
    p.add(prop, `${bytes} bytes`, `is larger than ${MAX_MOUNTED_FILE_BYTES} bytes (256 KiB), the most a mounted file may hold`,
      'keep configuration files small; put larger files into the image');
  }
  if (PRIVATE_KEY_RE.test(text)) {
    p.add(prop, '(a PEM private key)', 'holds a private key: mounted files are public, written into the synthesized JSON and ConfigMaps',
      'give the key as a secret environment variable (secrets) and have the process write it where it needs it');
  }
}

/** The model with every file's text read: `content` becomes a string. Call after `checkMountedFiles` passed. */
export function readMountedFiles(model: ProcessModel): ProcessModel {
  const read = (files: readonly MountedFile[] | undefined): readonly MountedFile[] | undefined =>
    files?.map((f) => ({ path: f.path, content: isAppFile(f.content) ? f.content.read()! : f.content }));
  const procs = model.processes;
  const withRead = <T extends { readonly files?: readonly MountedFile[] }>(x: T | undefined): T | undefined =>
    (x?.files ? { ...x, files: read(x.files) } : x);
  return {
    ...model,
    processes: {
      ...procs,
      web: withRead(procs.web)!,
      workers: procs.workers?.map((w) => withRead(w)!),
      websocket: withRead(procs.websocket),
      services: procs.services?.map((s) => withRead(s)!),
      release: withRead(procs.release),
      scheduler: withRead(procs.scheduler),
    },
  };
}

/** The user's mounted files as app files, and the file names each owner (process name, `release`, `scheduler`) mounts. */
export function resolveMountedFiles(model: ProcessModel, taken: readonly string[]): { files: ResolvedFile[]; byOwner: Record<string, string[]> } {
  const files: ResolvedFile[] = [];
  const byOwner: Record<string, string[]> = {};
  const names = new Set(taken);
  // one app file for each distinct path and text, shared by the processes that mount it
  const shared = new Map<string, ResolvedFile>();
  for (const o of owners(model)) {
    for (const f of o.files ?? []) {
      const content = f.content as string;
      const key = `${f.path}\0${content}`;
      let file = shared.get(key);
      if (file === undefined) {
        file = { name: uniqueName(names, o.owner, f.path), path: posix.normalize(f.path), content };
        names.add(file.name);
        shared.set(key, file);
        files.push(file);
      }
      (byOwner[o.owner] ??= []).push(file.name);
    }
  }
  return { files, byOwner };
}

/** `<owner>-<file name without extension>`, a DNS label unique in the app. */
function uniqueName(taken: Set<string>, owner: string, path: string): string {
  const base = posix.basename(path, posix.extname(path)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'file';
  const stem = `${owner}-${base}`.slice(0, 56).replace(/-+$/, '');
  let name = stem;
  for (let i = 2; taken.has(name); i++) name = `${stem}-${i}`;
  return name;
}
