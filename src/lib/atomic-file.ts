/**
 * The one way the app replaces a file: write-file-atomic writes a temp file beside it,
 * fsyncs it, renames it over the file, and removes the temp file when any step fails, so
 * a reader sees the old file or the new one and never a torn or stray one.
 */
import { stat } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

async function currentMode(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Replaces `file` with `body`, mode `mode`; without one it keeps the file's mode, and a new file gets 0600. */
export async function replaceFile(file: string, body: string, mode?: number): Promise<void> {
  await writeFileAtomic(file, body, { mode: mode ?? (await currentMode(file)) ?? 0o600 });
}
