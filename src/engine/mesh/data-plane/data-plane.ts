/**
 * The data plane: SSH sessions and their forwards' sockets run in a small pool of worker
 * threads, so bulk transfers never stall the owner's main thread (in the app, Electron's
 * main process: tray, IPC and every other pond). Each member gets a lane: the one thread
 * that holds its SSH connection and its forwards' listeners, so a local connection and its
 * channel meet in the same thread. Members are spread over the threads, fewest first; a
 * thread starts when first needed. One pool per process: the process owns the forwards.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ListenResult } from '../loopback-listener';
import type { ListenerEvents, PlaneListener, RemoteConnection } from './remote-connection';
import { PlaneThread } from './thread';
import { startPlaneWorker } from './worker-script';

/** Threads the pool grows to: one per core, at most four (a thread moves more than 1 GiB/s). */
function defaultSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

export class DataPlane {
  private readonly threads = new Set<PlaneThread>();

  constructor(
    private readonly size = defaultSize(),
    private readonly startWorker: () => Worker = startPlaneWorker,
  ) {}

  lane(): Lane {
    return new Lane(this);
  }

  /** A thread for a new lane: a new one while the pool is not full and every thread has members, else the one with fewest. */
  assign(): PlaneThread {
    const live = [...this.threads].sort((a, b) => a.lanes - b.lanes);
    let thread = live[0];
    if (!thread || (thread.lanes > 0 && live.length < this.size)) {
      thread = new PlaneThread(this.startWorker(), (ended) => this.threads.delete(ended));
      this.threads.add(thread);
    }
    thread.lanes += 1;
    thread.changed();
    return thread;
  }

  /** Ends every thread now. */
  async close(): Promise<void> {
    await Promise.all([...this.threads].map((thread) => thread.end()));
  }
}

/** A member's way into the data plane: always the same thread, unless that thread stopped. */
export class Lane {
  private thread: PlaneThread | null = null;

  constructor(private readonly plane: DataPlane) {}

  connection(): RemoteConnection {
    return this.live().connection();
  }

  /** `counters`: where the thread adds the bytes its connections move (protocol.ts). */
  listen(port: number, events: ListenerEvents, counters: SharedArrayBuffer): Promise<ListenResult<PlaneListener>> {
    return this.live().listen(port, events, counters);
  }

  /** The member is gone: its thread may take another. */
  release(): void {
    const thread = this.thread;
    this.thread = null;
    if (!thread) return;
    thread.lanes -= 1;
    thread.changed();
  }

  private live(): PlaneThread {
    if (this.thread?.isStopped) this.release();
    this.thread ??= this.plane.assign();
    return this.thread;
  }
}

let shared: DataPlane | null = null;

/** The process's data plane. */
export function sharedDataPlane(): DataPlane {
  shared ??= new DataPlane();
  return shared;
}
