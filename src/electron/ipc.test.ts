import { describe, expect, it } from 'vitest';
import { channelNames } from '../contract/index';
import type { Handlers } from '../api/dispatch';
import { bindIpc, isTrustedSenderUrl } from './ipc';

type Listener = (event: unknown, input: unknown) => Promise<unknown>;

function fakeIpc() {
  const handlers = new Map<string, Listener>();
  const ipc = {
    handle: (channel: string, listener: Listener) => void handlers.set(channel, listener),
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
  return Object.assign(ipc as unknown as Parameters<typeof bindIpc>[0], { handlers });
}

function fakeEvent(url: string) {
  return { senderFrame: { url }, sender: { id: 1, once: () => {} } };
}

const RENDERER = 'file:///opt/Pond%20Desktop/resources/app/out/renderer/index.html';

const appOnly: Pick<Handlers, 'app:info' | 'app:openExternal'> = {
  'app:info': async (_input, ctx) => ({
    name: 'Pond Desktop',
    version: '1.0.0',
    platform: 'linux',
    arch: 'x64',
    transport: ctx.transport,
    paths: { userData: '/u', settingsFile: '/u/config.json', crabboxClaims: '/c', pondState: '/p' },
  }),
  'app:openExternal': async () => ({ opened: true }),
};
const handlers = appOnly as Handlers;

describe('IPC binding', () => {
  it('trusts only the app renderer page (or the dev server origin)', () => {
    expect(isTrustedSenderUrl(RENDERER, RENDERER)).toBe(true);
    expect(isTrustedSenderUrl('file:///tmp/evil.html', RENDERER)).toBe(false);
    expect(isTrustedSenderUrl('https://example.com/', RENDERER)).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/some/page', 'http://localhost:5173/')).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isTrustedSenderUrl('', RENDERER)).toBe(false);
  });

  it('registers exactly one handler per channel and removes them on dispose', () => {
    const ipc = fakeIpc();
    const binding = bindIpc(ipc, handlers, RENDERER, () => {});
    expect([...ipc.handlers.keys()].sort()).toEqual([...channelNames].sort());
    binding.dispose();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers our page with a result envelope and refuses other frames', async () => {
    const ipc = fakeIpc();
    const logged: string[] = [];
    bindIpc(ipc, handlers, RENDERER, (m) => logged.push(m));
    const info = ipc.handlers.get('app:info');
    await expect(info?.(fakeEvent(RENDERER), undefined)).resolves.toMatchObject({ result: { transport: 'ipc' } });
    await expect(info?.(fakeEvent('https://evil.example/'), undefined)).resolves.toEqual({
      error: { code: 'FORBIDDEN_SENDER', message: "app:info is only available to Pond Desktop's own window" },
    });
    expect(logged[0]).toContain('refused app:info from https://evil.example/');
  });

  it('zod-parses inputs and names the bad field', async () => {
    const ipc = fakeIpc();
    bindIpc(ipc, handlers, RENDERER, () => {});
    const open = ipc.handlers.get('app:openExternal');
    const reply = (await open?.(fakeEvent(RENDERER), { url: 42 })) as { error: { code: string; message: string } };
    expect(reply.error.code).toBe('INVALID_INPUT');
    expect(reply.error.message).toBe('app:openExternal: url must be a string');
  });
});
