import * as fs from 'fs';
import * as nodePath from 'path';

/**
 * The text of a file mounted read-only into a process: given inline
 * (`AppFile.fromText`) or read at synthesis from a file of the user's
 * repository (`AppFile.fromPath('config/pma.inc.php')`).
 *
 * A mounted file is public configuration, never a secret: its text is written
 * into the synthesized JSON, the release the droplets fetch, a Kubernetes
 * ConfigMap or a Docker upload. Text that holds a PEM private key is refused;
 * give secrets as `secrets` (environment variables) instead.
 */
export class AppFile {
  /** The file's text as given (may be a token). */
  public static fromText(text: string): AppFile {
    return new AppFile({ text });
  }

  /**
   * The text of a file in the user's repository, read (UTF-8) when the app is
   * constructed, at synthesis. A relative path is read from `baseDirectory`.
   * @param path the file to read (`config/pma.inc.php`)
   * @param baseDirectory folder a relative `path` starts from; default: the current working directory
   */
  public static fromPath(path: string, baseDirectory?: string): AppFile {
    return new AppFile({ path, baseDirectory });
  }

  /** The file this text is read from, as given; undefined for inline text. */
  public readonly sourcePath?: string;
  private readonly text?: string;
  private readonly baseDirectory?: string;

  private constructor(o: { text?: string; path?: string; baseDirectory?: string }) {
    this.text = o.text;
    this.sourcePath = o.path;
    this.baseDirectory = o.baseDirectory;
  }

  /** The absolute path the text is read from; undefined for inline text. */
  public get absolutePath(): string | undefined {
    if (this.sourcePath === undefined) return undefined;
    return nodePath.resolve(this.baseDirectory ?? process.cwd(), this.sourcePath);
  }

  /**
   * The text: the inline text, or the file's contents; undefined when the file
   * cannot be read (the app's validation then names it).
   */
  public read(): string | undefined {
    if (this.sourcePath === undefined) return this.text;
    const abs = this.absolutePath!;
    try {
      return fs.statSync(abs).isFile() ? fs.readFileSync(abs, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  }
}

/** True for an `AppFile`. */
export function isAppFile(x: unknown): x is AppFile {
  return x instanceof AppFile;
}
