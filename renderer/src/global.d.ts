import type { PondApi } from '../../preload/api';

declare global {
  interface Window {
    /** Provided by the Electron preload, or installed by the web transport. */
    pond?: PondApi;
  }
}
