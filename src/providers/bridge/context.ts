/**
 * What every bridge adapter is built from: the environment (base-URL overrides), the
 * credentials, shared HTTP settings and a clock. Tests point adapters at local servers
 * through the same environment variables a user would set.
 */
import { Credentials, type Env } from '../credentials';
import { HttpClient, type HttpClientOptions } from '../../lib/http';
import { SecretSet } from '../../lib/redact';
import { BridgeError } from './types';

export interface BridgeContext {
  env: Env;
  credentials: Credentials;
  /** Timeouts, retry waits and logging for every provider call (secrets are per adapter). */
  http?: Omit<HttpClientOptions, 'secrets'>;
  now?: () => number;
}

/** An HTTP client that redacts `secrets` plus every configured credential. */
export function adapterHttpClient(ctx: BridgeContext, secrets: Array<string | undefined>): HttpClient {
  return new HttpClient({ ...ctx.http, secrets: new SecretSet([...secrets, ...ctx.credentials.secretValues()]) });
}

/** `CRABBOX_<X>` or `<X>` from the environment, trimmed; else `fallback`. */
export function envSetting(env: Env, name: string, fallback: string): string {
  for (const key of [`CRABBOX_${name}`, name]) {
    const value = env[key]?.trim();
    if (value) return value;
  }
  return fallback;
}

/** Every adapter refuses a port outside 1..65535 with crabbox's `<provider> bridge: port N out of range`. */
export function assertBridgePort(provider: string, port: number): void {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new BridgeError(`${provider} bridge: port ${port} out of range`, 2, 'INVALID_INPUT');
}
