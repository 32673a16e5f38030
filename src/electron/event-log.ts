/**
 * What the log says about engine events: each change of a pond's connection, each change
 * of a member's session with its cause, and each passphrase request (never the answer).
 * Health events arrive many times a second; a member is logged only when its state or
 * error changes.
 */
import { CONNECTION_WORDS, sessionLine, type EventName, type EventPayload } from '../contract/index';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  text: string;
}

export class EventLogLines {
  private readonly sessions = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  lineFor(event: EventName, payload: unknown): LogLine | null {
    switch (event) {
      case 'mesh:connection': {
        const change = payload as EventPayload<'mesh:connection'>;
        const words = `${CONNECTION_WORDS[change.previous]} → ${CONNECTION_WORDS[change.connection]}`;
        const failed = change.failed.map((f) => `; ${f.member} failed: ${f.lastError}`).join('');
        return { level: change.failed.length > 0 ? 'warn' : 'info', text: `pond ${change.pond}: ${words}, ${change.forwardsReady}/${change.forwardsTotal} forwards up${failed}` };
      }
      case 'mesh:health': {
        const { pond, member, session } = payload as EventPayload<'mesh:health'>;
        const key = `${pond}/${member}`;
        const signature = JSON.stringify([session.state, 'lastError' in session ? session.lastError : null]);
        const before = this.sessions.get(key);
        if (before === signature || (before === undefined && session.state === 'stopped')) return null;
        if (session.state === 'stopped') this.sessions.delete(key);
        else this.sessions.set(key, signature);
        const level = session.state === 'failed' ? 'error' : session.state === 'reconnecting' ? 'warn' : 'info';
        return { level, text: `${key}: ${sessionLine(session, this.now())}` };
      }
      case 'mesh:passphraseRequest': {
        const request = payload as EventPayload<'mesh:passphraseRequest'>;
        const why = request.problem ? ` (${request.problem})` : '';
        return { level: 'info', text: `${request.pond}/${request.member}: asking for the passphrase of ${request.keyPath}${why}` };
      }
      case 'app:notice': {
        const notice = payload as EventPayload<'app:notice'>;
        return notice.level === 'info' ? null : { level: notice.level === 'error' ? 'error' : 'warn', text: `notice: ${notice.message}` };
      }
      default:
        return null;
    }
  }
}
