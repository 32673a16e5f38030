/**
 * Where each area plugs its UI in. A top-level view appears in the sidebar; a pond panel
 * appears on a pond's page (the Ponds view renders them in order); a settings panel
 * appears under Settings. Each area adds one line at its marker.
 */
import type { ComponentType } from 'react';
import { About } from './about/About';

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
  // @area-views (the first view is the start page)
  { id: 'about', title: 'About', Component: About },
];

export const pondPanels: PondPanel[] = [
  // @area-pond-panels
];

export const settingsPanels: SettingsPanel[] = [
  // @area-settings-panels
];
