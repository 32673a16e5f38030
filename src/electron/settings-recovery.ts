/**
 * A settings file that cannot be read must not stop the app invisibly: it is moved aside
 * (kept, with the time in its name, so nothing the user entered is lost), the app starts
 * with defaults, and the shell tells the user both paths and what to do.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface SettingsProblem {
  file: string;
  movedTo: string;
  cause: string;
}

function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** `open` reads the settings file at `file`; a second failure (defaults cannot be written either) is thrown. */
export function openSettingsRecovering<T>(file: string, open: () => T, now: () => Date): { settings: T; problem: SettingsProblem | null } {
  try {
    return { settings: open(), problem: null };
  } catch (error) {
    if (!fs.existsSync(file)) throw error;
    const parsed = path.parse(file);
    const movedTo = path.join(parsed.dir, `${parsed.name}.unreadable-${stamp(now())}${parsed.ext}`);
    fs.renameSync(file, movedTo);
    return { settings: open(), problem: { file, movedTo, cause: (error as Error).message } };
  }
}

/** The message for the user: what happened, where the file went, what to do. */
export function settingsProblemText(problem: SettingsProblem): { message: string; detail: string } {
  return {
    message: 'Pond Desktop could not read its settings and started with default settings.',
    detail: [
      `The settings file ${problem.file} could not be read: ${problem.cause}.`,
      `It was moved to ${problem.movedTo}, so nothing in it is lost.`,
      `Your hand-added hosts, remembered ports and saved credentials are in that file. To get them back, quit Pond Desktop, fix the file (it must be valid JSON) and move it back to ${problem.file}.`,
    ].join('\n\n'),
  };
}
