/**
 * Framing of the contract outside Electron IPC: the web host's WebSocket (src/host and the
 * renderer's web transport) and the owner's control socket (src/agent, one JSON frame per
 * line). A request carries an id its response repeats; events are pushed as they happen.
 */
import { z } from 'zod';
import type { EventName } from './channels';
import type { Envelope } from './errors';

export const wsRequestSchema = z.object({ id: z.number().int(), channel: z.string(), input: z.unknown().optional() });
export type WsMessage =
  | { kind: 'response'; id: number; envelope: Envelope<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown }
  /** A frame the control socket could not read; the connection stays open. */
  | { kind: 'error'; message: string };

