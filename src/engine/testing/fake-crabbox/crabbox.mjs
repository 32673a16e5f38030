// A stand-in for the `crabbox` binary in tests. It does what `crabbox --version` and
// `crabbox stop --provider <p> --id <lease>` do to local state (internal/cli/run.go:stop,
// version.go): prints the version alone on a line; reads the claim under crabbox's state
// dir, removes it and prints crabbox's `deleted lease=… server=… name=…` line on stderr.
//
// Per-lease behaviour is set by marker files in $FAKE_CRABBOX_CONTROL:
//   <lease>.fail         exit 1, printing the file's text on stderr (crabbox prints its error last)
//   <lease>.hang         start a child process, record both pids in <lease>.pids, never exit
//   <lease>.retain       keep the claim and print the retained-resource line (spec §6)
//   <lease>.unsupported  exit 2 with `provider=<p> does not support stop`
//   <lease>.hold         wait until the test removes this file
// Every call is appended to calls.log; running/<pid> exists while a stop runs and every
// count of running stops seen is appended to concurrency.log.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const control = process.env.FAKE_CRABBOX_CONTROL ?? '';
const args = process.argv.slice(2);
const runningMarker = control === '' ? '' : path.join(control, 'running', String(process.pid));

function marker(name) {
  const file = path.join(control, name);
  return control !== '' && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

function fail(code, message) {
  if (runningMarker !== '') fs.rmSync(runningMarker, { force: true });
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function stateDir() {
  const env = process.env;
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, 'crabbox');
  const config = env.XDG_CONFIG_HOME || path.join(env.HOME ?? '', '.config');
  return path.join(config, 'crabbox', 'state');
}

/** Go's flag package: -flag / --flag, with `=value` or the next argument. */
function parseStopFlags(argv) {
  const flags = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--?([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      positional.push(arg);
      continue;
    }
    const [, name, inline] = match;
    if (!['provider', 'id'].includes(name)) fail(2, `flag provided but not defined: -${name}`);
    flags[name] = inline ?? argv[++i] ?? '';
  }
  return { flags, positional };
}

/** Waits while `<lease>.hold` exists; the test lets the stop go on by removing it. */
function held(id) {
  const file = path.join(control, `${id}.hold`);
  if (control === '' || !fs.existsSync(file)) return Promise.resolve();
  return new Promise((resolve) => {
    const watcher = fs.watch(control, () => {
      if (fs.existsSync(file)) return;
      watcher.close();
      resolve();
    });
    // It may have gone between the first look and the watch.
    if (!fs.existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}

async function stop() {
  const { flags, positional } = parseStopFlags(args.slice(1));
  const id = (flags.id ?? positional[0] ?? '').trim();
  if (id === '' || positional.length > (flags.id === undefined ? 1 : 0)) fail(2, 'usage: crabbox stop --id <lease-or-server-id>');
  if (control !== '') {
    fs.appendFileSync(path.join(control, 'calls.log'), `${JSON.stringify({ argv: args, cwd: process.cwd(), pid: process.pid })}\n`);
  }
  if (runningMarker !== '') {
    const runningDir = path.dirname(runningMarker);
    fs.mkdirSync(runningDir, { recursive: true });
    fs.writeFileSync(runningMarker, id);
    fs.appendFileSync(path.join(control, 'concurrency.log'), `${fs.readdirSync(runningDir).length}\n`);
  }
  await run(id, flags.provider);
  if (runningMarker !== '') fs.rmSync(runningMarker, { force: true });
}

async function run(id, provider) {
  await held(id);
  if (marker(`${id}.hang`) !== undefined) {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    fs.writeFileSync(path.join(control, `${id}.pids`), `${process.pid}\n${child.pid}\n`);
    await new Promise(() => {});
  }
  const file = path.join(stateDir(), 'claims', `${id}.json`);
  if (!fs.existsSync(file)) fail(1, `lease ${id} not found`);
  const claim = JSON.parse(fs.readFileSync(file, 'utf8'));
  const claimProvider = String(claim.provider ?? '').trim().toLowerCase();
  const failure = marker(`${id}.fail`);
  if (failure !== undefined) fail(1, failure.trimEnd());
  if (marker(`${id}.unsupported`) !== undefined) fail(2, `provider=${provider ?? claimProvider} does not support stop`);
  const server = claim.cloudID || '-';
  if (marker(`${id}.retain`) !== undefined) {
    process.stderr.write(`stopped lease=${id} instance=${server} retained=true\n`);
    return;
  }
  fs.rmSync(file, { force: true });
  process.stderr.write(`deleted lease=${id} server=${server} name=crabbox-${claim.slug || id}\n`);
}

switch (args[0]) {
  case '--version':
  case '-v':
  case 'version':
    process.stdout.write(`${process.env.FAKE_CRABBOX_VERSION ?? '0.46.0'}\n`);
    break;
  case 'stop':
  case 'release':
    await stop();
    break;
  default:
    fail(2, `crabbox: error: unexpected argument ${args[0] ?? ''}`);
}
