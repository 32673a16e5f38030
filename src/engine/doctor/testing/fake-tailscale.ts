/**
 * A stand-in `tailscale` CLI for tests: a real executable script that prints a status
 * JSON file for `status --json` and answers `ping` as told by its environment.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface FakeTailscale {
  command: string;
  /** Environment for one behaviour: the status JSON and how `ping` answers. */
  env(options: { status?: object; statusExit?: number; statusStderr?: string; pingLine?: string; pingExit?: number }): Record<string, string>;
}

export function writeFakeTailscale(dir: string): FakeTailscale {
  const command = path.join(dir, 'tailscale');
  writeFileSync(
    command,
    `#!/bin/sh
case "$1" in
  status)
    [ -n "$FAKE_TS_STATUS" ] && cat "$FAKE_TS_STATUS"
    [ -n "$FAKE_TS_STDERR" ] && echo "$FAKE_TS_STDERR" >&2
    exit "\${FAKE_TS_STATUS_EXIT:-0}" ;;
  ping)
    echo "$FAKE_TS_PING_LINE"
    exit "\${FAKE_TS_PING_EXIT:-0}" ;;
esac
exit 2
`,
  );
  chmodSync(command, 0o755);
  let n = 0;
  return {
    command,
    env(options) {
      n += 1;
      const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
      if (options.status) {
        const file = path.join(dir, `status-${n}.json`);
        writeFileSync(file, JSON.stringify(options.status));
        env.FAKE_TS_STATUS = file;
      }
      if (options.statusExit !== undefined) env.FAKE_TS_STATUS_EXIT = String(options.statusExit);
      if (options.statusStderr) env.FAKE_TS_STDERR = options.statusStderr;
      env.FAKE_TS_PING_LINE = options.pingLine ?? '';
      env.FAKE_TS_PING_EXIT = String(options.pingExit ?? 0);
      return env;
    },
  };
}
