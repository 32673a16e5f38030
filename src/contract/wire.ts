/** WebSocket framing used by the web host (src/host) and the renderer's web transport. */
import { z } from 'zod';
import type { EventName } from './channels';
import type { Envelope } from './errors';

export const wsRequestSchema = z.object({ id: z.number().int(), channel: z.string(), input: z.unknown().optional() });
export type WsRequest = z.infer<typeof wsRequestSchema>;
export type WsMessage =
  | { kind: 'response'; id: number; envelope: Envelope<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown };

