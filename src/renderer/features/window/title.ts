/** The window's title: the open pond and its state, or how many ponds are connected. */
import { CONNECTION_WORDS, pondConnection, type MeshStatusShape, type PondConnection } from '../../../contract/index';
import { pondOf } from '../mesh/mesh-panel';

const APP = 'Pond Desktop';

export function windowTitle(pond: string | undefined, status: MeshStatusShape | undefined): string {
  if (pond !== undefined) return `${pond} — ${CONNECTION_WORDS[pondConnection(pondOf(status, pond)).connection]} · ${APP}`;
  const counts = new Map<PondConnection, number>();
  for (const p of status?.ponds ?? []) {
    const { connection } = pondConnection(p);
    if (connection !== 'not-connected') counts.set(connection, (counts.get(connection) ?? 0) + 1);
  }
  if (counts.size === 0) return APP;
  const parts = [...counts].map(([connection, n]) => `${n} ${CONNECTION_WORDS[connection]}`);
  return `${APP} — ${parts.join(', ')}`;
}
