/**
 * Notifications: one when a pond runs into trouble (a member failed: it gave up, or its
 * host key changed …) and one when it is fully connected again. Reconnects that succeed on
 * their own, and disconnecting, stay quiet. The policy is pure; `showNotification` renders
 * a notice with Electron's Notification, passed in.
 */
import type { Notification as ElectronNotification } from 'electron';
import { CONNECTION_WORDS, sessionBadge, type MeshConnectionShape } from '../contract/index';

export interface PondNotice {
  pond: string;
  title: string;
  body: string;
}

export class NotificationPolicy {
  private readonly troubled = new Set<string>();

  /** The notice a change deserves, if any. */
  decide(change: MeshConnectionShape): PondNotice | null {
    const { pond } = change;
    if (change.failed.length > 0) {
      if (this.troubled.has(pond)) return null;
      this.troubled.add(pond);
      const members = change.failed.map((f) => `${f.member}: ${sessionBadge({ state: 'failed', reason: f.reason, lastError: f.lastError, hostKey: null })}`);
      return { pond, title: `Pond ${pond} ${CONNECTION_WORDS[change.connection]}`, body: `${members.join('; ')}. Open Pond Desktop to see why and what to do.` };
    }
    if (!this.troubled.has(pond)) return null;
    if (change.connection === 'not-connected') {
      this.troubled.delete(pond);
      return null;
    }
    if (change.connection !== 'connected') return null;
    this.troubled.delete(pond);
    return { pond, title: `Pond ${pond} ${CONNECTION_WORDS.connected} again`, body: `All ${change.forwardsTotal} of its forwards are up.` };
  }
}

/** Notifications on screen, held so their clicks still arrive (Electron drops collected ones). */
const live = new Set<ElectronNotification>();

export function showNotification(Notification: typeof ElectronNotification, notice: PondNotice, onClick: () => void): void {
  if (!Notification.isSupported()) return;
  const shown = new Notification({ title: notice.title, body: notice.body });
  live.add(shown);
  shown.on('click', () => {
    live.delete(shown);
    onClick();
  });
  shown.on('close', () => live.delete(shown));
  shown.show();
}
