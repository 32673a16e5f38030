/** What the window shows and what every view and pond tab is given. */
import type { ComponentType } from 'react';

export interface Nav {
  view: string;
  pond?: string;
  /** A tab of the pond's page. */
  tab?: string;
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
