/**
 * The window's sections: the navigation's views (the first is the start page; Settings follows
 * when it has panels) and the overlays mounted once for the whole window. Pond tabs are in
 * pond-panels.ts, settings panels in settings-panels.ts, window-level dialogs in
 * window/dialogs.tsx, the shared types in nav.ts.
 */
import type { ComponentType } from 'react';
import { About } from './about/About';
import { ConnectionsView } from './mesh/ConnectionsView';
import { PassphraseDialog } from './mesh/PassphraseDialog';
import type { View } from './nav';
import { PondsView } from './ponds/PondsView';

export const views: View[] = [
  { id: 'ponds', title: 'Ponds', Component: PondsView },
  { id: 'connections', title: 'Connections', Component: ConnectionsView },
  { id: 'about', title: 'About', Component: About },
];

/** Mounted once for the whole window, whatever view is open (e.g. a passphrase prompt). */
export const overlays: ComponentType[] = [PassphraseDialog];
