import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { MeshConnectionShape } from '../contract/index';
import { NotificationPolicy, showNotification } from './notifications';

const change = (connection: MeshConnectionShape['connection'], failed: string[] = [], forwardsTotal = 2): MeshConnectionShape => ({
  pond: 'demo',
  connection,
  previous: 'connected',
  forwardsReady: 0,
  forwardsTotal,
  failed: failed.map((member) => ({ member, reason: member === 'api' ? 'host-key-changed' : 'retries-exhausted', lastError: 'x' })),
});

describe('NotificationPolicy', () => {
  it('tells once when a pond fails and once when it is connected again', () => {
    const policy = new NotificationPolicy();
    const notices = [
      change('connecting'),
      change('connected'),
      change('reconnecting'),
      change('degraded', ['web']),
      change('failed', ['web', 'api']),
      change('degraded', ['api']),
      change('reconnecting'),
      change('connected'),
      change('connected'),
    ].map((c) => policy.decide(c));
    expect(notices.filter((n) => n !== null)).toEqual([
      { pond: 'demo', title: 'Pond demo degraded', body: 'web: gave up reconnecting. Open Pond Desktop to see why and what to do.' },
      { pond: 'demo', title: 'Pond demo connected again', body: 'All 2 of its forwards are up.' },
    ]);
  });

  it('stays quiet when the user disconnects a failed pond, and tells again about a new failure', () => {
    const policy = new NotificationPolicy();
    expect(policy.decide(change('failed', ['api']))?.body).toBe('api: host key changed. Open Pond Desktop to see why and what to do.');
    expect(policy.decide(change('not-connected'))).toBeNull();
    expect(policy.decide(change('connected'))).toBeNull();
    expect(policy.decide(change('failed', ['web']))?.title).toBe('Pond demo failed');
  });
});

class FakeNotification extends EventEmitter {
  static supported = true;
  static shown: FakeNotification[] = [];
  static isSupported = () => FakeNotification.supported;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    FakeNotification.shown.push(this);
  }
}

describe('showNotification', () => {
  it('shows the notice and routes its click, where the system has notifications', () => {
    const onClick = vi.fn();
    const Notification = FakeNotification as unknown as Parameters<typeof showNotification>[0];
    showNotification(Notification, { pond: 'demo', title: 'Pond demo failed', body: 'b' }, onClick);
    expect(FakeNotification.shown.map((n) => n.options)).toEqual([{ title: 'Pond demo failed', body: 'b' }]);
    FakeNotification.shown[0]?.emit('click');
    expect(onClick).toHaveBeenCalledTimes(1);
    FakeNotification.supported = false;
    showNotification(Notification, { pond: 'demo', title: 't', body: 'b' }, onClick);
    expect(FakeNotification.shown).toHaveLength(1);
  });
});
