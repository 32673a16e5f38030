/** The tabs of each pond's page, in order; each gets `{ pond, navigate }`. */
import { BridgePondPanel } from './bridge/BridgePanel';
import { DoctorPanel } from './doctor/DoctorPanel';
import { ExportsPanel } from './exports/ExportsPanel';
import { MeshPanel } from './mesh/MeshPanel';
import type { PondPanel } from './nav';
import { MembersTab } from './ponds/MembersTab';

export const pondPanels: PondPanel[] = [
  { id: 'members', title: 'Members', Component: MembersTab },
  { id: 'forwards', title: 'Forwards', Component: MeshPanel },
  { id: 'exports', title: 'Exports', Component: ExportsPanel },
  { id: 'urls', title: 'URLs', Component: BridgePondPanel },
  { id: 'doctor', title: 'Doctor', Component: DoctorPanel },
];
