/**
 * A `spawn` that answers a system command (lsof, netstat, tasklist) with a recorded output:
 * a real child process prints the file and exits with the recorded code, so the code under
 * test reads it through real pipes. Every call is kept for assertions.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Recording {
  /** File whose bytes are printed on stdout; none prints nothing. */
  file?: string;
  code?: number;
}

export interface RecordedSpawn {
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
  calls: Array<{ command: string; args: readonly string[] }>;
}

/** `answer` picks the recording for a call; null makes the command missing (ENOENT), as on a system without it. */
export function recordedSpawn(answer: (command: string, args: readonly string[]) => Recording | null): RecordedSpawn {
  const calls: RecordedSpawn['calls'] = [];
  return {
    calls,
    spawn(command, args, options) {
      calls.push({ command, args });
      const recording = answer(command, args);
      if (recording === null) return spawn(`${command}-is-not-installed-here`, [], options);
      const script = `if (process.argv[1]) process.stdout.write(require('node:fs').readFileSync(process.argv[1])); process.exitCode = Number(process.argv[2]);`;
      return spawn(process.execPath, ['-e', script, recording.file ?? '', String(recording.code ?? 0)], options);
    },
  };
}
