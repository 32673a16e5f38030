/** The panels under Settings. */
import { CredentialsPanel } from './bridge/CredentialsPanel';
import type { SettingsPanel } from './nav';

export const settingsPanels: SettingsPanel[] = [{ id: 'credentials', title: 'Provider credentials', Component: CredentialsPanel }];
