/** A real OpenSSH `ssh-agent` on its own socket, for agent-auth tests. */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { killTree, track } from './processes';

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
  for (let i = 0; i < 100 && !existsSync(socket); i += 1) {
    if (child.exitCode !== null) throw new Error(`ssh-agent exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!existsSync(socket)) {
    await killTree(child);
    throw new Error(`ssh-agent did not create ${socket}`);
  }
  return {
    socket,
    add: async (privateKeyPath) => {
      await run('ssh-add', ['-q', privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    },
    stop: () => killTree(child),
  };
}
