/**
 * Electron entry: the single-instance lock, then the shell with Electron's modules passed
 * in (shell.ts). A second start hands its arguments to the first and quits.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  session,
  shell,
  Tray,
} from 'electron';
import { runShell } from './shell';

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  runShell(
    { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, Notification, powerMonitor, session, shell, Tray },
    {
      here: path.dirname(fileURLToPath(import.meta.url)),
      argv: process.argv,
      env: process.env,
      platform: process.platform,
      execPath: process.execPath,
      resourcesPath: process.resourcesPath,
    },
  );
}
