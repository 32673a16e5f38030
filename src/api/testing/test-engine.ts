/**
 * A whole engine over temp directories for handler tests: HOME and the XDG dirs live
 * under one temp root, every event and log line is recorded, and `call` goes through
 * `dispatch` exactly as a transport would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Envelope, EventName } from '../../contract/index';
import { createEngine, type Engine, type EngineDeps } from '../engine';
import { openConfBackend } from '../../engine/settings-store';
import { dispatch } from '../dispatch';
import { createHandlers } from '../handlers';

export interface TestEngineOptions {
  /** Existing temp root (e.g. a fake crabbox's); a new one is made otherwise. */
  root?: string;
  /** Merged over HOME, XDG_CONFIG_HOME and XDG_STATE_HOME under the root. */
  env?: Record<string, string | undefined>;
  secrets?: EngineDeps['secrets'];
  openExternal?: EngineDeps['openExternal'];
  transport?: 'ipc' | 'websocket';
  owner?: EngineDeps['owner'];
  /** SSH session timings and the local port range (keep tests off 51820–52819). */
  mesh?: EngineDeps['mesh'];
}

export interface TestEngine {
  engine: Engine;
  root: string;
  env: Record<string, string | undefined>;
  events: { event: EventName; payload: unknown }[];
  logs: string[];
  call(channel: string, input?: unknown): Promise<Envelope<unknown>>;
  /** Stops the engine and removes the temp root it made. */
  dispose(): Promise<void>;
}

export function createTestEngine(options: TestEngineOptions = {}): TestEngine {
  const ownRoot = options.root === undefined;
  const root = options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pond-engine-'));
  const env = {
    HOME: path.join(root, 'home'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_STATE_HOME: path.join(root, 'state'),
    ...options.env,
  };
  const userDataDir = path.join(root, 'userData');
  const logs: string[] = [];
  const engine = createEngine({
    app: { name: 'Pond Desktop', version: '0.0.0-test' },
    pathEnv: { platform: 'linux', env, home: env.HOME ?? '' },
    userDataDir,
    settings: openConfBackend(userDataDir),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.openExternal ? { openExternal: options.openExternal } : {}),
    ...(options.owner ? { owner: options.owner } : {}),
    ...(options.mesh ? { mesh: options.mesh } : {}),
    log: (message) => void logs.push(message),
  });
  const events: TestEngine['events'] = [];
  engine.bus.subscribe((event, payload) => events.push({ event, payload }));
  const handlers = createHandlers(engine);
  const transport = options.transport ?? 'websocket';
  return {
    engine,
    root,
    env,
    events,
    logs,
    call: (channel, input) => dispatch(handlers, channel, input, { transport, signal: new AbortController().signal }, (m) => logs.push(m)),
    async dispose() {
      await engine.stop();
      if (ownRoot) fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
