import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../credentials';
import type { HttpClient } from '../../lib/http';
import { adapterHttpClient, envSetting, isLoopbackHost } from './context';

const clients: HttpClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe('envSetting', () => {
  it('prefers CRABBOX_<name>, then <name>, then the fallback; blank counts as unset', () => {
    expect(envSetting({ CRABBOX_ISLO_BASE_URL: ' a ', ISLO_BASE_URL: 'b' }, 'ISLO_BASE_URL', 'c')).toBe('a');
    expect(envSetting({ CRABBOX_ISLO_BASE_URL: ' ', ISLO_BASE_URL: 'b' }, 'ISLO_BASE_URL', 'c')).toBe('b');
    expect(envSetting({}, 'ISLO_BASE_URL', 'c')).toBe('c');
  });
});

describe('isLoopbackHost', () => {
  it('recognises loopback names and addresses only', () => {
    for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '127.5.6.7', '[::1]', '::1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(h), h).toBe(false);
  });
});

describe('adapterHttpClient', () => {
  it('redacts the adapter secrets and every configured credential', () => {
    const creds = new Credentials({ ISLO_API_KEY: 'islo-key-1', E2B_API_KEY: 'e2b-key-2' });
    const client = adapterHttpClient({ env: {}, credentials: creds }, ['session-3', undefined]);
    clients.push(client);
    expect(client.redact('islo-key-1 e2b-key-2 session-3 ok')).toBe('[redacted] [redacted] [redacted] ok');
  });
});
