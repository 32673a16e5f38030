/**
 * Turns the mesh's per-member health into per-pond connection changes: one report when a
 * pond's connection word changes (mesh-words' `pondConnection`) or when the set of its
 * failed members does, and nothing for the many health updates in between (byte counts,
 * retry times). Faces build notifications and log lines on these.
 */
import { pondConnection, type MeshConnectionShape, type PondConnection } from '../../contract/index';
import type { PondHealth } from './health';

export type PondConnectionChange = MeshConnectionShape;

export class ConnectionChanges {
  private readonly last = new Map<string, { connection: PondConnection; key: string }>();

  /** The change since the pond's last report, or null when nothing a person would notice changed. */
  update(pond: PondHealth): PondConnectionChange | null {
    const summary = pondConnection(pond);
    const failed = pond.members.flatMap((m) =>
      m.session.state === 'failed' ? [{ member: m.member, reason: m.session.reason, lastError: m.session.lastError }] : [],
    );
    const key = JSON.stringify([summary.connection, failed.map((f) => [f.member, f.reason])]);
    const before = this.last.get(pond.pond);
    const previous = before?.connection ?? 'not-connected';
    if (before?.key === key || (before === undefined && summary.connection === 'not-connected')) return null;
    if (summary.connection === 'not-connected') this.last.delete(pond.pond);
    else this.last.set(pond.pond, { connection: summary.connection, key });
    return { pond: pond.pond, ...summary, previous, failed };
  }
}
