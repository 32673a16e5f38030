import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../credentials';
import type { HttpClient } from '../../lib/http';
import { adapterHttpClient, envSetting } from './context';

const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('envSetting', () => {
  it('prefers CRABBOX_<name>, then <name>, then the fallback; blank counts as unset', () => {
    expect(envSetting({ CRABBOX_ISLO_BASE_URL: ' a ', ISLO_BASE_URL: 'b' }, 'ISLO_BASE_URL', 'c')).toBe('a');
    expect(envSetting({ CRABBOX_ISLO_BASE_URL: ' ', ISLO_BASE_URL: 'b' }, 'ISLO_BASE_URL', 'c')).toBe('b');
    expect(envSetting({}, 'ISLO_BASE_URL', 'c')).toBe('c');
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
