/**
 * Picks the transport once at start-up: Electron's preload already installed
 * `window.pond`; in a browser the page was opened from `pond serve` with a token and we
 * install a WebSocket-backed `window.pond` with the same shape.
 */
import type { PondApi } from '../../contract/index';
import { createWsPond } from './ws-pond';

const TOKEN_KEY = 'pond-host-token';

export function installTransport(onClosed: (reason: string) => void): PondApi {
  if (window.pond) return window.pond;
  const params = new URLSearchParams(window.location.search);
  const token = params.get('token') ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  sessionStorage.setItem(TOKEN_KEY, token);
  // Keep the token out of the address bar, history and screenshots.
  if (params.has('token')) window.history.replaceState(null, '', window.location.pathname);
  const wsUrl = new URL('/api', window.location.href);
  wsUrl.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  wsUrl.searchParams.set('token', token);
  window.pond = createWsPond({ url: wsUrl.href, onClosed });
  return window.pond;
}
