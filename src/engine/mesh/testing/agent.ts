/** A real OpenSSH `ssh-agent` on its own socket, for agent-auth tests. */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { killTree, track } from './processes';
import { until } from './wait';

const run = promisify(execFile);

export interface SshAgent {
  socket: string;
  /** `ssh-add <key>` into this agent (unencrypted keys). */
  add(privateKeyPath: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startAgent(dir: string): Promise<SshAgent> {
  const socket = path.join(dir, `agent.${process.pid}.${Date.now()}.sock`);
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  track(child);
  try {
    await until(() => existsSync(socket) || child.exitCode !== null, `ssh-agent to create ${socket}`, 2_000);
  } catch (error) {
    await killTree(child);
    throw error;
  }
  if (child.exitCode !== null) throw new Error(`ssh-agent exited with ${child.exitCode}`);
  return {
    socket,
    add: async (privateKeyPath) => {
      await run('ssh-add', ['-q', privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    },
    stop: () => killTree(child),
  };
}
