/**
 * crabbox's version as `crabbox --version` prints it, and the oldest crabbox release
 * may run.
 *
 * `crabbox --version` (a kong VersionFlag since v0.5.0, internal/cli/cli_kong.go) prints
 * `currentVersion()` alone on one line: the release tag without its `v` (`0.46.0`), a
 * module pseudo-version for `go install …@<commit>` builds
 * (`0.46.1-0.20260810123456-abcdef123456`), or `dev` for a plain source build
 * (internal/cli/version.go).
 *
 * Minimum 0.22.0: ponds arrived in crabbox v0.22.0 (PR #129, commit ed692508). An older
 * binary has no `pond` field in its claim struct, so any claim it rewrote while stopping
 * (a provider that keeps its claim after a stop) would silently lose its pond; and a
 * pond can only exist if a crabbox of at least that version created it. `crabbox stop
 * --provider <p> --id <lease>` has the same flags and output lines from v0.22.0 on.
 */

export const MIN_CRABBOX_VERSION = '0.22.0';

export const INSTALL_HINT =
  'install crabbox ' +
  MIN_CRABBOX_VERSION +
  ' or newer (`brew install openclaw/tap/crabbox`, or a release archive from https://github.com/openclaw/crabbox/releases)';

export type CrabboxVersion =
  | { kind: 'release'; text: string; major: number; minor: number; patch: number }
  | { kind: 'dev'; text: string };

/** Reads the first line of `crabbox --version`; null when it is not a crabbox version. */
export function parseCrabboxVersion(output: string): CrabboxVersion | null {
  const line = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (line === undefined) return null;
  const text = line.replace(/^crabbox\s+(version\s+)?/i, '').replace(/^v/, '');
  if (text === 'dev') return { kind: 'dev', text };
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text);
  if (!match) return null;
  return { kind: 'release', text, major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/**
 * True when the version is at least MIN_CRABBOX_VERSION. A pre-release or pseudo-version
 * is judged by its numeric core: `0.22.0-rc.1` and `0.22.0-dev` (crabbox "opens" the next
 * version's development right after a release) carry the pond code, while a pseudo-version
 * `0.21.1-0.<date>-<sha>` names a commit after v0.21.0, which may predate ponds.
 * Development builds (`dev`) cannot be judged and are accepted; the UI says so.
 */
export function meetsMinimum(version: CrabboxVersion): boolean {
  if (version.kind === 'dev') return true;
  const [minMajor, minMinor, minPatch] = MIN_CRABBOX_VERSION.split('.').map(Number) as [number, number, number];
  if (version.major !== minMajor) return version.major > minMajor;
  if (version.minor !== minMinor) return version.minor > minMinor;
  return version.patch >= minPatch;
}
