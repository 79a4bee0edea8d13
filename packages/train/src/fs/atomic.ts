import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file atomically: the bytes go to a temporary file beside it, which is fsynced and then
 * renamed over `path` (rename is atomic within a file system), and the folder is fsynced so the
 * rename itself survives a crash. Readers see the old file or the new one, never a partial one.
 *
 * @example
 * ```ts
 * atomicWriteFile('run/checkpoint.safetensors', bytes);
 * ```
 */
export function atomicWriteFile(path: string, bytes: Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fd = openSync(temp, 'w');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  try {
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  }
}
