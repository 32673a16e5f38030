/**
 * crabbox's ProbeBridgePeers (spec §4.6): HEAD the first URL of each member to tell a
 * URL that answers from one that does not. Any HTTP status counts as reachable; the
 * doctor's reachability view is its consumer.
 */
import type { PeerRow } from '../../contract/index';
import { HttpClient, type HttpClientOptions } from '../../lib/http';

export const PROBE_TIMEOUT_MS = 3_000;

export interface ProbeResult {
  slug: string;
  url: string;
  port: number;
  statusCode?: number;
  state: 'reachable' | 'unreachable' | 'no-targets' | NonNullable<PeerRow['bridgeState']>;
  detail?: string;
}

/** The part of an error after its last `": "`, as crabbox reports an unreachable probe. */
function lastDetail(message: string): string {
  const at = message.lastIndexOf(': ');
  return at < 0 ? message : message.slice(at + 2);
}

/** A bare host (Railway reports `web.up.railway.app`) is probed over HTTPS. */
function probeURL(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
}

export async function probeBridgePeers(
  rows: readonly PeerRow[],
  signal: AbortSignal,
  options: { timeoutMs?: number; http?: Omit<HttpClientOptions, 'timeoutMs' | 'maxRetries'> } = {},
): Promise<ProbeResult[]> {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const client = new HttpClient({ ...options.http, timeoutMs, connectTimeoutMs: Math.min(timeoutMs, options.http?.connectTimeoutMs ?? timeoutMs), maxRetries: 0 });
  try {
    return await Promise.all(
      rows.map(async (row): Promise<ProbeResult> => {
        const target = row.targets?.[0];
        if (!target) return { slug: row.slug, url: '', port: 0, state: row.bridgeState ?? 'no-targets' };
        const base = { slug: row.slug, url: target.url, port: target.port };
        try {
          const res = await client.request({ method: 'HEAD', url: probeURL(target.url), redirect: 'manual', signal });
          return { ...base, statusCode: res.status, state: 'reachable' };
        } catch (error) {
          if (signal.aborted) throw error;
          return { ...base, state: 'unreachable', detail: lastDetail((error as Error).message) };
        }
      }),
    );
  } finally {
    await client.close();
  }
}
