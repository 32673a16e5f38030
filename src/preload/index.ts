/**
 * Exposes `window.pond`: one function per channel and one subscription per event from
 * preload/api.ts. There is no generic invoke; the renderer can reach nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channelNames, eventNames, listenerName, methodName } from '../contract/index';

const api: Record<string, unknown> = {};

for (const channel of channelNames) {
  api[methodName(channel)] = (input?: unknown) => ipcRenderer.invoke(channel, input);
}

for (const event of eventNames) {
  api[listenerName(event)] = (listener: (payload: unknown) => void) => {
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => ipcRenderer.removeListener(event, wrapped);
  };
}

contextBridge.exposeInMainWorld('pond', api);
