/**
 * The window's dialogs, mounted once beside the views: a dialog outlives the page that
 * opened it (a release goes on to its summary after its pond's page is gone).
 */
import { createContext, useContext, useState, type ReactNode } from 'react';
import type { PondCheckShape } from '../../../contract/index';
import { FixAclDialog } from '../doctor/FixAclDialog';
import { HostDialog } from '../ponds/HostDialog';
import type { ManualMember } from '../ponds/members';
import { ReleaseDialog } from '../release/ReleaseDialog';

export type WindowDialog =
  | { kind: 'release'; pond: string }
  | { kind: 'addHost'; pond: string }
  | { kind: 'editHost'; pond: string; member: ManualMember }
  | { kind: 'fixAcl'; pond: string; onApplied: (acl: PondCheckShape | null) => void };

const OpenDialog = createContext<(dialog: WindowDialog) => void>(() => undefined);

export function useOpenDialog(): (dialog: WindowDialog) => void {
  return useContext(OpenDialog);
}

export function WindowDialogs({ children }: { children: ReactNode }) {
  const [dialog, setDialog] = useState<WindowDialog | null>(null);
  const close = () => setDialog(null);
  return (
    <OpenDialog.Provider value={setDialog}>
      {children}
      {dialog?.kind === 'release' && <ReleaseDialog key={dialog.pond} pond={dialog.pond} onClose={close} />}
      {dialog?.kind === 'addHost' && <HostDialog pond={dialog.pond} onClose={close} />}
      {dialog?.kind === 'editHost' && <HostDialog key={dialog.member.id} pond={dialog.pond} member={dialog.member} onClose={close} />}
      {dialog?.kind === 'fixAcl' && <FixAclDialog pond={dialog.pond} onApplied={dialog.onApplied} onClose={close} />}
    </OpenDialog.Provider>
  );
}
