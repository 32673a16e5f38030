/**
 * Pending and `none` members: nothing to connect to, so the check explains what is
 * missing and who can fix it, from the note the member's row carries.
 */
import type { Checker, CheckOutcome } from './types';

function pending(pond: string, name: string, note: string): CheckOutcome {
  if (note.startsWith('tailnet')) {
    return {
      status: 'warn',
      summary: `${name}: ${note}`,
      fixes: [
        'The lease has not reported its tailnet address yet; wait for it to finish booting, then refresh.',
        `If it never joins, check the Tailscale auth key it was created with (tailscale.authKey or CRABBOX_TAILSCALE_AUTH_KEY) and run crabbox list --pond ${pond}.`,
      ],
    };
  }
  return {
    status: 'warn',
    summary: `${name}: ${note}`,
    fixes: [
      `crabbox has no SSH address for this lease yet; run crabbox list --pond ${pond} (or any crabbox command on the lease) to record it.`,
      'If the lease was stopped, start it again or release it.',
    ],
  };
}

export const missingEndpoint: Checker = {
  id: 'missing-endpoint',
  title: 'endpoint',
  applies: ({ member }) => member.row.transport === 'pending' || member.row.transport === 'none',
  async run({ pond, member }) {
    const { row, name } = member;
    const note = row.note ?? '';
    if (row.transport === 'pending') return pending(pond, name, note || 'endpoint not yet recorded for this lease');
    if (row.bridgeState === 'error') {
      return {
        status: 'fail',
        summary: `${name}: ${note || 'the provider bridge failed'}`,
        fixes: [`Check the ${row.provider} credentials and that the sandbox still exists, then list the pond again.`],
        appFixes: [`Check the ${row.provider} credentials in Settings and that the sandbox still exists, then choose Check every member now again.`],
        reason: note || 'bridge error',
      };
    }
    return {
      status: 'skip',
      summary: `${name}: ${note || `no advertised pond transport for provider ${row.provider}`}`,
      fixes: [`${row.provider} members are reached through the provider's own tools, not through the pond.`],
    };
  },
};
