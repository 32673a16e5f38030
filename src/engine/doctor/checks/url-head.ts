/**
 * URL members: an HTTPS HEAD of the first published target (crabbox's bridge probe,
 * spec §4.6), one attempt, following redirects to any origin. Any HTTP status means the
 * URL exists and routes; the app behind it may answer 404 to a HEAD. A 5xx is a warning:
 * the route works, the service does not.
 */
import { HttpError } from '../../../lib/http';
import { redactSecrets } from '../../../lib/redact';
import { describeNetError } from '../net-errors';
import type { Checker } from './types';

function firstURL(row: { targets?: { url: string }[]; endpoint: string }): string {
  const target = row.targets?.find((t) => t.url !== '');
  if (target) return target.url;
  return /^https?:\/\//i.test(row.endpoint) ? row.endpoint : '';
}

export const urlHead: Checker = {
  id: 'url-head',
  title: 'HTTPS HEAD',
  applies: ({ member }) => member.row.transport === 'url',
  async run({ pond, member, deps }, signal) {
    const { row } = member;
    const url = firstURL(row);
    if (url === '') {
      return {
        status: 'warn',
        summary: `${member.name} has no published URL yet (${row.bridgeState ?? 'no-targets'})`,
        fixes: [
          `Publish a port: crabbox pond peers --pond ${pond} --provider ${row.provider} --share-port <port>`,
          'Or start the service on the member and list the pond again.',
        ],
        appFixes: [`Publish a port of ${member.name}: choose Publish URL in the URLs tab.`, 'Or start the service on the member, then choose Refresh in the URLs tab.'],
      };
    }
    try {
      const response = await deps.http.request({ method: 'HEAD', url, redirect: 'follow', timeoutMs: deps.urlTimeoutMs, maxRetries: 0, signal });
      const status = `HTTP ${response.status}`;
      if (response.status >= 500) {
        return {
          status: 'warn',
          summary: `${url} answered ${status}: the URL routes, but the service behind it is failing`,
          fixes: [`Check the service on ${member.name} (its logs, and whether it listens on the published port).`],
        };
      }
      return { status: 'ok', summary: `${url} answered ${status}`, fixes: [] };
    } catch (error) {
      const timedOut = error instanceof HttpError && error.kind === 'timeout';
      const reason = timedOut ? `no answer within ${deps.urlTimeoutMs / 1000} s` : describeNetError(error);
      return {
        status: 'fail',
        summary: `${url} is unreachable: ${reason}`,
        detail: error instanceof Error && error.cause instanceof Error ? redactSecrets(error.cause.message) : undefined,
        fixes: [
          `Check that ${member.name} is running and its share is still published (crabbox pond peers --pond ${pond}).`,
          'A share may have expired; publishing the port again creates a new one.',
        ],
        appFixes: [`Check that ${member.name} is running and that its URL is still listed in the URLs tab.`, 'A share may have expired; Publish URL in the URLs tab creates a new one.'],
        reason,
      };
    }
  },
};
