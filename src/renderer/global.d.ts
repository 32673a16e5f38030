import type { PondApi } from '../contract/index';

declare global {
  interface Window {
    /** Provided by the Electron preload, or installed by the web transport. */
    pond?: PondApi;
  }
}
