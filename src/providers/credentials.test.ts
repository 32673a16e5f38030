import { describe, expect, it } from 'vitest';
import { CREDENTIALS, Credentials, credentialValueProblem, envValue, type CredentialName, type SecretStore, type StoredSecret } from './credentials';

class MemoryStore implements SecretStore {
  readonly values = new Map<string, StoredSecret>();
  read(name: CredentialName): StoredSecret {
    return this.values.get(name) ?? { state: 'absent' };
  }
  write(name: CredentialName, value: string): void {
    this.values.set(name, { state: 'ok', value });
  }
  remove(name: CredentialName): void {
    this.values.delete(name);
  }
}

describe('Credentials', () => {
  it('prefers CRABBOX_-prefixed variables, then the plain ones, as crabbox does', () => {
    expect(new Credentials({ CRABBOX_ISLO_API_KEY: ' a ', ISLO_API_KEY: 'b' }).get('ISLO_API_KEY')).toBe('a');
    expect(new Credentials({ CRABBOX_ISLO_API_KEY: '  ', ISLO_API_KEY: 'b' }).get('ISLO_API_KEY')).toBe('b');
    expect(new Credentials({}).get('ISLO_API_KEY')).toBeUndefined();
  });

  it('falls back to the app store only when the environment has nothing', () => {
    const store = new MemoryStore();
    store.write('E2B_API_KEY', 'from-app');
    expect(new Credentials({}, store).get('E2B_API_KEY')).toBe('from-app');
    expect(new Credentials({ E2B_API_KEY: 'from-env' }, store).get('E2B_API_KEY')).toBe('from-env');
  });

  it('lists names and sources, never values', () => {
    const store = new MemoryStore();
    store.write('ISLO_API_KEY', 'app-islo-secret');
    store.write('E2B_API_KEY', 'app-e2b-secret');
    store.values.set('RAILWAY_API_TOKEN', { state: 'unreadable', reason: 'cannot decrypt' });
    const list = new Credentials({ CRABBOX_E2B_API_KEY: 'env-e2b-secret', RAILWAY_PROJECT_ID: 'p1' }, store).list();
    expect(list.map((c) => [c.name, c.source, c.envVar ?? '', c.shadowed])).toEqual([
      ['ISLO_API_KEY', 'app', '', false],
      ['E2B_API_KEY', 'environment', 'CRABBOX_E2B_API_KEY', true],
      ['RAILWAY_API_TOKEN', 'unreadable', '', false],
      ['RAILWAY_PROJECT_ID', 'environment', 'RAILWAY_PROJECT_ID', false],
      ['RAILWAY_ENVIRONMENT_ID', 'unset', '', false],
    ]);
    const text = JSON.stringify(list);
    for (const value of ['app-islo-secret', 'app-e2b-secret', 'env-e2b-secret', 'p1']) expect(text).not.toContain(value);
    expect(list[2]?.detail).toBe('cannot decrypt');
  });

  it('collects secret values (not identifiers) for redaction', () => {
    const creds = new Credentials({ ISLO_API_KEY: 'k1', RAILWAY_API_TOKEN: 't1', RAILWAY_PROJECT_ID: 'p1' });
    expect(creds.secretValues().sort()).toEqual(['k1', 't1']);
  });

  it('covers every variable crabbox reads for the bridge', () => {
    expect(CREDENTIALS.flatMap((c) => c.env)).toEqual([
      'CRABBOX_ISLO_API_KEY',
      'ISLO_API_KEY',
      'CRABBOX_E2B_API_KEY',
      'E2B_API_KEY',
      'CRABBOX_RAILWAY_API_TOKEN',
      'RAILWAY_API_TOKEN',
      'CRABBOX_RAILWAY_PROJECT_ID',
      'RAILWAY_PROJECT_ID',
      'CRABBOX_RAILWAY_ENVIRONMENT_ID',
      'RAILWAY_ENVIRONMENT_ID',
    ]);
  });
});

describe('credentialValueProblem', () => {
  it('names the input that is wrong', () => {
    expect(credentialValueProblem('AWS_KEY', 'x')).toMatch(/^unknown credential "AWS_KEY"; expected one of ISLO_API_KEY/);
    expect(credentialValueProblem('ISLO_API_KEY', '  ')).toBe('Islo API key must not be empty (use "clear" to remove it)');
    expect(credentialValueProblem('ISLO_API_KEY', 'a\nb')).toBe('Islo API key must be a single line without control characters');
    expect(credentialValueProblem('ISLO_API_KEY', 'x'.repeat(5000))).toBe('Islo API key is longer than 4096 characters');
    expect(credentialValueProblem('ISLO_API_KEY', 'isk_123')).toBeUndefined();
  });
});

describe('envValue', () => {
  it('reports which variable supplied the value', () => {
    expect(envValue({ B: 'x' }, ['A', 'B'])).toEqual({ value: 'x', name: 'B' });
    expect(envValue({}, ['A'])).toBeUndefined();
  });
});

import { credentialNameSchema } from '../contract/index';
import { CREDENTIAL_NAMES as NAMES } from './credentials';
describe('the API contract', () => {
  it('names exactly the credentials this module knows', () => {
    expect(credentialNameSchema.options).toEqual(NAMES);
  });
});
