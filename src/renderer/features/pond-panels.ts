/** The panels on each pond's page, in order; each gets `{ pond, navigate }`. */
import { BridgePondPanel } from './bridge/BridgePanel';
import { DoctorPanel } from './doctor/DoctorPanel';
import { ExportsPanel } from './exports/ExportsPanel';
import { MeshPanel } from './mesh/MeshPanel';
import type { PondPanel } from './nav';
import { ReleasePondPanel } from './release/ReleaseView';

export const pondPanels: PondPanel[] = [
  { id: 'mesh', title: 'SSH forwards', Component: MeshPanel },
  { id: 'exports', title: 'Export lines', Component: ExportsPanel },
  { id: 'bridge', title: 'Public URLs', Component: BridgePondPanel },
  { id: 'doctor', title: 'Doctor', Component: DoctorPanel },
  { id: 'release', title: 'Release', Component: ReleasePondPanel },
];
