/**
 * Releasing a hand-added SSH host (settings `manualMembers`). Pond Desktop
 * never leased these machines, so releasing one only forgets it: the entry leaves the
 * settings file and nothing is sent to the host.
 */
import type { ManualMember, SettingsStore } from './settings-store';

export type ForgetOutcome = { kind: 'forgotten'; member: ManualMember } | { kind: 'gone' };

export function forgetManualMember(settings: Pick<SettingsStore, 'get' | 'set'>, id: string): ForgetOutcome {
  const members = settings.get('manualMembers');
  const member = members.find((m) => m.id === id);
  if (!member) return { kind: 'gone' };
  settings.set(
    'manualMembers',
    members.filter((m) => m.id !== id),
  );
  return { kind: 'forgotten', member };
}
