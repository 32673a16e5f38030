import { describe, expect, it } from 'vitest';
import { Credentials } from '../credentials';
import { PROVIDERS } from '../catalogue';
import { E2BAdapter } from './e2b';
import { IsloAdapter } from './islo';
import { RailwayAdapter } from './railway';
import { BRIDGE_ADAPTERS, loadBridgeAdapter } from './registry';
import { BridgeError, isNotImplemented } from './types';

const ctx = { env: {}, credentials: new Credentials({}) };
const signal = new AbortController().signal;

describe('loadBridgeAdapter', () => {
  it('registers adapters by canonical provider name, resolving aliases', () => {
    expect(loadBridgeAdapter('islo', ctx)).toBeInstanceOf(IsloAdapter);
    expect(loadBridgeAdapter('E2B', ctx)).toBeInstanceOf(E2BAdapter);
    expect(loadBridgeAdapter('railwayapp', ctx)).toBeInstanceOf(RailwayAdapter);
    expect(loadBridgeAdapter('rail', ctx)?.provider).toBe('railway');
  });

  it('gives the explicitly unsupported providers adapters that answer "not implemented"', async () => {
    for (const provider of ['modal', 'cloudflare', 'cf', 'tensorlake', 'tl', 'opencomputer', 'oc']) {
      const adapter = loadBridgeAdapter(provider, ctx);
      expect(adapter, provider).not.toBeNull();
      const published = await adapter!.publish('cbx_1', 8080, 60, signal).catch((e: unknown) => e);
      const listed = await adapter!.list('cbx_1', signal).catch((e: unknown) => e);
      expect(isNotImplemented(published), provider).toBe(true);
      expect(isNotImplemented(listed), provider).toBe(true);
      expect((listed as Error).message).toBe('pond bridge plane not implemented for this provider');
    }
  });

  it('returns null for known providers without bridge support', () => {
    for (const provider of ['hetzner', 'aws', 'blacksmith', 'runpod', 'ssh']) expect(loadBridgeAdapter(provider, ctx), provider).toBeNull();
    expect(loadBridgeAdapter('  ', ctx)).toBeNull();
  });

  it('rejects an unknown provider with crabbox message (exit 2)', () => {
    let caught: unknown;
    try {
      loadBridgeAdapter('nosuch', ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BridgeError);
    expect((caught as BridgeError).message).toBe('unknown provider "nosuch" for pond bridge');
    expect((caught as BridgeError).exitCode).toBe(2);
  });

  it('has an adapter for every URL-bridge provider in the catalogue', () => {
    for (const spec of PROVIDERS.filter((p) => p.capabilities.urlBridge)) expect(BRIDGE_ADAPTERS[spec.name], spec.name).toBeDefined();
  });
});
