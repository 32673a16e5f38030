/**
 * THE CONTRACT between every face and the engine: each area's zod schemas in a file of its
 * own, the channel and event maps in channels.ts, the WebSocket framing in wire.ts. Electron
 * IPC (src/preload + src/electron/ipc.ts), the loopback web host (src/host) and the owner's
 * control socket carry exactly these messages. Import from here.
 */
export * from './errors';
export * from './app';
export * from './peers';
export * from './ponds';
export * from './hosts';
export * from './release';
export * from './exports';
export * from './bridge';
export * from './doctor';
export * from './mesh';
export * from './owner';
export * from './ports';
export * from './restore';
export * from './channels';
export * from './wire';
export * from './mesh-words';
