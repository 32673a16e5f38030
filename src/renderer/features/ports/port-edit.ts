/** The local-port editor's bookkeeping, kept apart from React so it is tested in plain Node. */
import { chosenPortProblem, CHOSEN_PORT_MAX, CHOSEN_PORT_MIN, type PortChoiceShape } from '../../../contract/index';

/** What the user typed, as a port to choose, or why it cannot be one (in the window's words). */
export function parsePortInput(text: string): { ok: true; port: number } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, problem: `Enter a port number from ${CHOSEN_PORT_MIN} to ${CHOSEN_PORT_MAX}.` };
  const port = Number(trimmed);
  const problem = chosenPortProblem(port);
  if (problem !== null) return { ok: false, problem: `Port ${port} cannot be used: choose a number from ${CHOSEN_PORT_MIN} to ${CHOSEN_PORT_MAX} (lower ones need administrator rights).` };
  return { ok: true, port };
}

/** The choice of one forward in a `ports:list` answer. */
export function choiceOf(rows: readonly PortChoiceShape[] | undefined, member: string, remotePort: number): PortChoiceShape | undefined {
  return rows?.find((r) => r.member === member && r.remotePort === remotePort);
}

/** One line saying where the forward listens when not connected: chosen, or automatic (and where last time). */
export function portPlan(choice: Pick<PortChoiceShape, 'chosen' | 'remembered'>): string {
  if (choice.chosen !== null) return `127.0.0.1:${choice.chosen}, chosen by you`;
  if (choice.remembered !== null) return `automatic: 127.0.0.1:${choice.remembered} again if it is free`;
  return 'automatic: the first free port from 51820';
}
