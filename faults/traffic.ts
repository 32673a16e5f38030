/**
 * Data through forwards, every byte checked: one echo round trip, and a carrier that keeps
 * forwards busy for the whole of a fault (a long-lived connection trading chunks, plus a
 * fresh connection every half second) and counts what failed.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { exchange } from '../src/engine/mesh/testing/services';
import { sleep } from './wait';

/** Sends `size` random bytes through an echo forward and checks they all come back unchanged. */
export async function echoCheck(port: number, size = 16 * 1024, timeoutMs = 10_000): Promise<void> {
  const payload = randomBytes(size);
  const back = await exchange(port, payload, size, timeoutMs);
  if (!back.subarray(0, size).equals(payload)) throw new Error(`port ${port}: the echo differs from what was sent`);
}

/** A connection kept open, trading `size`-byte chunks; each must come back within `timeoutMs`. */
class SteadyConnection {
  private socket: net.Socket | null = null;
  private buffered = Buffer.alloc(0);
  private wanted: { bytes: Buffer; done: (error?: Error) => void } | null = null;

  async open(port: number): Promise<void> {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    this.socket = socket;
    this.buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.settle();
    });
    const lost = () => this.fail(new Error(`the connection to port ${port} closed`));
    socket.on('error', lost);
    socket.on('close', lost);
  }

  trade(size: number, timeoutMs: number): Promise<void> {
    const bytes = randomBytes(size);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no echo of ${size} bytes within ${timeoutMs} ms`)), timeoutMs);
      this.wanted = {
        bytes,
        done: (error) => {
          clearTimeout(timer);
          this.wanted = null;
          if (error) reject(error);
          else resolve();
        },
      };
      if (!this.socket) this.fail(new Error('not connected'));
      else this.socket.write(bytes);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private settle(): void {
    const wanted = this.wanted;
    if (!wanted || this.buffered.length < wanted.bytes.length) return;
    const got = this.buffered.subarray(0, wanted.bytes.length);
    this.buffered = this.buffered.subarray(wanted.bytes.length);
    wanted.done(got.equals(wanted.bytes) ? undefined : new Error('the echo differs from what was sent'));
  }

  private fail(error: Error): void {
    this.close();
    this.wanted?.done(error);
  }
}

export interface CarrierFigures {
  exchanges: number;
  failures: number;
  mib: number;
  /** The first few failures, for the report. */
  errors: string[];
}

export class Carrier {
  private running = false;
  private readonly loops: Array<Promise<void>> = [];
  private readonly figures: CarrierFigures = { exchanges: 0, failures: 0, mib: 0, errors: [] };

  /** `limitMs` bounds every loop even if `stop` is never called. */
  constructor(
    private readonly ports: number[],
    private readonly limitMs: number,
  ) {}

  start(): this {
    this.running = true;
    const deadline = Date.now() + this.limitMs;
    for (const port of this.ports) {
      this.loops.push(this.steady(port, deadline), this.fresh(port, deadline));
    }
    return this;
  }

  async stop(): Promise<CarrierFigures> {
    this.running = false;
    await Promise.all(this.loops);
    return { ...this.figures, mib: Math.round(this.figures.mib * 10) / 10 };
  }

  private note(port: number, bytes: number, error?: unknown): void {
    if (error === undefined) {
      this.figures.exchanges += 1;
      this.figures.mib += (2 * bytes) / (1024 * 1024);
      return;
    }
    this.figures.failures += 1;
    if (this.figures.errors.length < 5) this.figures.errors.push(`port ${port}: ${(error as Error).message}`);
  }

  private async steady(port: number, deadline: number): Promise<void> {
    const connection = new SteadyConnection();
    let open = false;
    while (this.running && Date.now() < deadline) {
      try {
        if (!open) {
          await connection.open(port);
          open = true;
        }
        await connection.trade(4096, 5_000);
        this.note(port, 4096);
        await sleep(50);
      } catch (error) {
        this.note(port, 0, error);
        connection.close();
        open = false;
        await sleep(200);
      }
    }
    connection.close();
  }

  private async fresh(port: number, deadline: number): Promise<void> {
    while (this.running && Date.now() < deadline) {
      try {
        await echoCheck(port, 16 * 1024, 5_000);
        this.note(port, 16 * 1024);
      } catch (error) {
        this.note(port, 0, error);
      }
      await sleep(500);
    }
  }
}
