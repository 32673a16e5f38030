/**
 * `pond serve` as the process under test: started from the sources with its own HOME and
 * XDG dirs, driven through its WebSocket API exactly as the browser UI drives it, and
 * watched from outside (/proc: its file descriptors and memory).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import type { Envelope, MeshMemberShape, MeshStatusShape, WsMessage } from '../src/contract/index';
import { track } from '../src/engine/mesh/testing/processes';
import { bounded } from './wait';

const REPO = path.resolve(import.meta.dirname, '..');

export interface Serve {
  origin: string;
  port: number;
  token: string;
  pid: number;
  env: Record<string, string>;
  /** One API call; the reply envelope. */
  call(channel: string, input?: unknown): Promise<Envelope<unknown>>;
  /** One API call that must succeed; its result. */
  must<T>(channel: string, input?: unknown): Promise<T>;
  member(pond: string, member: string): Promise<MeshMemberShape | undefined>;
  stderr(): string;
  alive(): boolean;
  openFds(): number;
  rssMiB(): number;
  stop(): Promise<void>;
}

export async function startServe(root: string): Promise<Serve> {
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(rendererDir, { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Pond</title>\n');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: path.join(root, 'home'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_STATE_HOME: path.join(root, 'state'),
    TMPDIR: path.join(root, 'tmp'),
  };
  for (const dir of [env.HOME!, env.TMPDIR!]) fs.mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/pond.ts'), 'serve', '--renderer', rendererDir], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await bounded('pond serve to print its URL', 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`pond serve exited with ${child.exitCode}: ${stderr}`);
    return /^Open: (\S+)$/m.exec(stdout)?.[1];
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  const ws = new WebSocket(`ws://127.0.0.1:${parsed.port}/api?token=${token}`, { origin: parsed.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  let nextId = 1;
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as WsMessage;
    if (message.kind === 'response') pending.get(message.id)?.(message.envelope);
  });
  const call = (channel: string, input?: unknown) =>
    new Promise<Envelope<unknown>>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${channel}: no answer from pond serve within 60 s`));
      }, 60_000);
      pending.set(id, (envelope) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(envelope);
      });
      ws.send(JSON.stringify({ id, channel, ...(input !== undefined ? { input } : {}) }));
    });
  const must = async <T>(channel: string, input?: unknown): Promise<T> => {
    const envelope = await call(channel, input);
    if ('error' in envelope) throw new Error(`${channel}: ${envelope.error.message}`);
    return envelope.result as T;
  };
  const pid = child.pid!;
  return {
    origin: parsed.origin,
    port: Number(parsed.port),
    token,
    pid,
    env,
    call,
    must,
    member: async (pond, member) => {
      const status = await must<MeshStatusShape>('mesh:status', { pond });
      return status.ponds[0]?.members.find((m) => m.member === member);
    },
    stderr: () => stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    openFds: () => fs.readdirSync(`/proc/${pid}/fd`).length,
    rssMiB: () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    async stop() {
      ws.terminate();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killed = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killed);
      }
    },
  };
}
