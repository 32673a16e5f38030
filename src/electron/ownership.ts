/**
 * The desktop app owns this user's forwards while it runs. At start a headless owner
 * (the pond agent, or pond serve) hands over the ponds it held and stops -- its forwards
 * close and its files go -- and the app takes the control socket, so the CLI and the
 * web host become its clients. The app reconnects the handed-over ponds, which get the
 * same local ports: both remember them in the same settings file.
 */
import { ControlClient } from '../agent/control-client';
import { startControlServer, type ControlServer } from '../agent/control-server';
import type { ControlEndpoint } from '../agent/endpoint';
import type { EventBus } from '../api/bus';
import type { Handlers, Logger } from '../api/dispatch';

/** How long a headless owner may take to close its forwards after handing over. */
const HAND_OVER_MS = 15_000;

export interface Ownership {
  server: ControlServer | null;
  /** Ponds the previous owner held, to connect again. */
  handedOver: string[];
}

async function takeOver(endpoint: ControlEndpoint, log: Logger): Promise<string[]> {
  const previous = await ControlClient.connect(endpoint.path);
  if (!previous) return [];
  const info = await previous.call('owner:info');
  if (info.kind === 'app') {
    previous.close();
    throw new Error(`another Pond Desktop (pid ${info.pid}) already holds the forwards`);
  }
  const { ponds } = await previous.call('owner:handOver');
  const closed = await Promise.race([previous.closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), HAND_OVER_MS).unref())]);
  if (!closed) throw new Error(`the pond ${info.kind} (pid ${info.pid}) did not stop within ${HAND_OVER_MS / 1000} s after handing its forwards over`);
  log(`owner: took the forwards over from pond ${info.kind} (pid ${info.pid})${ponds.length > 0 ? `; reconnecting ${ponds.map((p) => `"${p}"`).join(', ')}` : ''}`);
  return ponds;
}

export async function becomeOwner(endpoint: ControlEndpoint, handlers: Handlers, bus: EventBus, log: Logger): Promise<Ownership> {
  let handedOver: string[] = [];
  try {
    handedOver = await takeOver(endpoint, log);
  } catch (error) {
    log(`owner: ${(error as Error).message}; the command line cannot reach this app's forwards`);
    return { server: null, handedOver };
  }
  try {
    const server = await startControlServer({ endpoint, handlers, bus, log });
    log(`owner: listening on ${endpoint.path}`);
    return { server, handedOver };
  } catch (error) {
    log(`owner: cannot listen on ${endpoint.path}: ${(error as Error).message}; the command line cannot reach this app's forwards`);
    return { server: null, handedOver };
  }
}
