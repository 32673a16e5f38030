/**
 * Where each area plugs its UI in. A top-level view appears in the sidebar; a pond panel
 * appears on a pond's page (the Ponds view renders them in order); a settings panel
 * appears under Settings. Each area adds one line at its marker.
 */
import type { ComponentType } from 'react';
import { About } from './about/About';
import { PassphraseDialog } from './mesh/PassphraseDialog';
import { PondsView } from './ponds/PondsView';
import { ExportsPanel } from './exports/ExportsPanel';
import { ReleasePondPanel, ReleaseView } from './release/ReleaseView';
import { BridgePondPanel } from './bridge/BridgePanel';
import { CredentialsPanel } from './bridge/CredentialsPanel';
import { ConnectionsView } from './mesh/ConnectionsView';
import { MeshPanel } from './mesh/MeshPanel';
import { DoctorPanel } from './doctor/DoctorPanel';

export interface Nav {
  view: string;
  pond?: string;
}

export interface ViewProps {
  nav: Nav;
  navigate: (nav: Nav) => void;
}

export interface View {
  id: string;
  title: string;
  Component: ComponentType<ViewProps>;
}

export interface PondPanelProps {
  pond: string;
  navigate: (nav: Nav) => void;
}

export interface PondPanel {
  id: string;
  title: string;
  Component: ComponentType<PondPanelProps>;
}

export interface SettingsPanel {
  id: string;
  title: string;
  Component: ComponentType;
}

export const views: View[] = [
  { id: 'ponds', title: 'Ponds', Component: PondsView },
  { id: 'connections', title: 'Connections', Component: ConnectionsView },
  { id: 'release', title: 'Release', Component: ReleaseView },
  { id: 'about', title: 'About', Component: About },
  // @area-views (the first view is the start page; Settings follows when it has panels)
];

export const pondPanels: PondPanel[] = [
  { id: 'mesh', title: 'SSH forwards', Component: MeshPanel },
  { id: 'exports', title: 'Export lines', Component: ExportsPanel },
  { id: 'bridge', title: 'Public URLs', Component: BridgePondPanel },
  { id: 'doctor', title: 'Doctor', Component: DoctorPanel },
  { id: 'release', title: 'Release', Component: ReleasePondPanel },
  // @area-pond-panels
];

/** Mounted once for the whole window, whatever view is open (e.g. a passphrase prompt). */
export const overlays: ComponentType[] = [
  PassphraseDialog,
  // @area-overlays
];

export const settingsPanels: SettingsPanel[] = [
  { id: 'credentials', title: 'Provider credentials', Component: CredentialsPanel },
  // @area-settings-panels
];
