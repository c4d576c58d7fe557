import { promises as fs } from 'fs';
import { randomBytes } from 'crypto';
import { basename, dirname, join } from 'path';
import { DirectoryCache } from '@liaison/envelope';

/**
 * The last verified directory JWS in a file. The TrustStore re-verifies whatever it loads, so a
 * damaged or replaced file is refused, never trusted. Saves are atomic (temporary file, rename).
 */
export class FileDirectoryCache implements DirectoryCache {
  constructor(private readonly file: string) {}

  async load(): Promise<string | null> {
    try {
      return (await fs.readFile(this.file, 'utf8')).trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async save(jws: string): Promise<void> {
    const tmp = join(dirname(this.file), `.${basename(this.file)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(`${jws}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, this.file);
    } catch (error) {
      await fs.unlink(tmp).catch(() => undefined);
      throw error;
    }
  }
}
