/** ports: the local port of each forward, chosen by the user or remembered from last time (docs/connect.md). */
import { z } from 'zod';

/** Ports a user may choose: below 1024 needs administrator rights on most systems. */
export const CHOSEN_PORT_MIN = 1024;
export const CHOSEN_PORT_MAX = 65535;

/** Why a port cannot be chosen for its number alone, or null. */
export function chosenPortProblem(port: number): string | null {
  if (Number.isInteger(port) && port >= CHOSEN_PORT_MIN && port <= CHOSEN_PORT_MAX) return null;
  return `port ${port} cannot be chosen: local ports must be between ${CHOSEN_PORT_MIN} and ${CHOSEN_PORT_MAX} (lower ones need administrator rights)`;
}

const forwardFields = {
  pond: z.string().min(1),
  member: z.string().min(1),
  remotePort: z.number().int().min(1).max(65535),
};

/** One forward's local port: what the user chose, what it had last time, and what it listens on now. */
export const portChoiceSchema = z.object({
  pond: z.string(),
  member: z.string(),
  remotePort: z.number().int(),
  /** The port the user chose; null: chosen automatically. */
  chosen: z.number().int().nullable(),
  /** The automatic port it had last time, taken again when free. */
  remembered: z.number().int().nullable(),
  /** The port it listens on right now; null when it is not connected. */
  localPort: z.number().int().nullable(),
});
export type PortChoiceShape = z.infer<typeof portChoiceSchema>;

/** Every forward with a chosen or remembered port; with `pond`, also each port that pond's members expose. */
export const portsListInput = z.object({ pond: z.string().min(1).optional() });
export const portsListSchema = z.object({ forwards: z.array(portChoiceSchema) });

/**
 * Chooses the local port of one forward (1024–65535; refused, with the reason, when it is
 * taken). A connected forward moves to it at once; connections already open keep going.
 */
export const portsSetInput = z.object({ ...forwardFields, localPort: z.number().int() });

/** Forgets the chosen ports of a pond, one member, or one forward: they are chosen automatically again. */
export const portsResetInput = z
  .object({ pond: forwardFields.pond, member: forwardFields.member.optional(), remotePort: forwardFields.remotePort.optional() })
  .refine((s) => s.remotePort === undefined || s.member !== undefined, { message: 'a remote port needs its member', path: ['remotePort'] });
/** The forwards whose choice was forgotten, as they are now. */
export const portsResetSchema = z.object({ reset: z.array(portChoiceSchema) });

/** A pond's chosen ports changed. */
export const portsChangedSchema = z.object({ pond: z.string() });
