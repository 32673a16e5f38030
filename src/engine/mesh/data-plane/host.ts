/**
 * The data plane inside a worker thread: SSH connections (ssh2 clients on their TCP
 * sockets), the forwards' loopback listeners, the local connections they accept, and the
 * pipes between those and SSH channels. It holds no policy: the main thread says when to
 * connect, answers host-key checks and signatures, picks every port and hands each local
 * connection its channel; this does it and reports what happened (protocol.ts).
 */
import type net from 'node:net';
import ssh2 from 'ssh2';
import type { AgentAuthMethod, ClientChannel } from 'ssh2';
import { listenLoopback, type LoopbackListener } from '../loopback-listener';
import { pipeChannel } from './pipe';
import { ownBytes, toWireError, type FromPlane, type PlaneSshConfig, type ToPlane } from './protocol';
import { RemoteSigner } from './remote-signer';
import { connectSlabSocket } from './slab-socket';

const { Client } = ssh2;
type SshClient = InstanceType<typeof Client>;

interface Connection {
  socket: net.Socket;
  client: SshClient | null;
}

interface Listener {
  listener: LoopbackListener;
  counters: BigInt64Array;
  locals: Set<number>;
  /** Let go of: no longer listening, kept for the connections it accepted until the last one closes. */
  letGo: boolean;
}

interface Local {
  socket: net.Socket;
  listener: number;
  /** Once piped: the channel and the SSH connection it runs on. */
  channel: ClientChannel | null;
  connection: number | null;
}

interface OpenChannel {
  channel: ClientChannel;
  connection: number;
}

type Answer = { op: 'verified'; ok: boolean } | { op: 'signed'; signature: Uint8Array | null; error: string | null };

export class PlaneHost {
  private readonly connections = new Map<number, Connection>();
  /** Open channels not yet piped to a local connection. */
  private readonly channels = new Map<number, OpenChannel>();
  private readonly listeners = new Map<number, Listener>();
  private readonly locals = new Map<number, Local>();
  /** Questions to the main thread by `<connection>:<request>`. */
  private readonly questions = new Map<string, (answer: Answer) => void>();
  private nextLocal = 1;
  private nextRequest = 1;

  constructor(private readonly post: (message: FromPlane) => void) {}

  handle(message: ToPlane): void {
    switch (message.op) {
      case 'tcp':
        return this.tcp(message.id, message.host, message.port);
      case 'ssh':
        return this.ssh(message.id, message.config);
      case 'verified':
      case 'signed': {
        const key = `${message.id}:${message.request}`;
        const answer = this.questions.get(key);
        this.questions.delete(key);
        return answer?.(message);
      }
      case 'end': {
        const connection = this.connections.get(message.id);
        if (connection?.client) connection.client.end();
        else connection?.socket.end();
        return;
      }
      case 'destroy': {
        const connection = this.connections.get(message.id);
        connection?.client?.destroy();
        connection?.socket.destroy();
        return;
      }
      case 'open':
        return this.open(message.id, message.channel, message.sourcePort, message.remotePort);
      case 'close-channel':
        this.channels.get(message.channel)?.channel.close();
        this.channels.delete(message.channel);
        return;
      case 'listen':
        return void this.listen(message.listener, message.port, message.counters);
      case 'unlisten':
        return void this.unlisten(message.listener, message.keep);
      case 'pipe':
        return this.pipe(message.local, message.channel);
      case 'drop':
        this.locals.get(message.local)?.socket.destroy();
        return;
    }
  }

  private ask(id: number, question: (request: number) => FromPlane): Promise<Answer> {
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.questions.set(`${id}:${request}`, resolve);
      this.post(question(request));
    });
  }

  /** The connection's id is free again: its socket and client are gone. */
  private forget(id: number): void {
    if (!this.connections.delete(id)) return;
    for (const key of this.questions.keys()) if (key.startsWith(`${id}:`)) this.questions.delete(key);
    this.post({ ev: 'close', id });
  }

  private tcp(id: number, host: string, port: number): void {
    const socket = connectSlabSocket(host, port);
    const connection: Connection = { socket, client: null };
    this.connections.set(id, connection);
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      this.post({ ev: 'tcp', id, error: null });
    });
    // Stays attached: once connected, ssh2 reports socket errors through the client.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) this.post({ ev: 'tcp', id, error: toWireError(error) });
    });
    socket.once('close', () => {
      if (!connection.client) this.forget(id);
    });
  }

  private ssh(id: number, config: PlaneSshConfig): void {
    const connection = this.connections.get(id);
    if (!connection) {
      this.post({ ev: 'error', id, error: { message: 'the connection closed before the SSH handshake' } });
      this.post({ ev: 'close', id });
      return;
    }
    const client = new Client();
    connection.client = client;
    client.on('ready', () => this.post({ ev: 'ready', id }));
    client.on('error', (error: Error) => this.post({ ev: 'error', id, error: toWireError(error) }));
    client.once('close', () => {
      this.resetPiped(id);
      this.forget(id);
    });
    const auth: AgentAuthMethod =
      config.auth.kind === 'agent'
        ? { type: 'agent', username: config.username, agent: config.auth.socket }
        : {
            type: 'agent',
            username: config.username,
            agent: new RemoteSigner(config.auth.publicKey, async (data, hash) => {
              const answer = await this.ask(id, (request) => ({ ev: 'sign', id, request, data: ownBytes(data), hash }));
              if (answer.op !== 'signed' || !answer.signature) throw new Error(answer.op === 'signed' && answer.error ? answer.error : 'the key could not sign');
              return Buffer.from(answer.signature);
            }),
          };
    try {
      client.connect({
        sock: connection.socket,
        host: config.host,
        port: config.port,
        username: config.username,
        // An explicit list: ssh2 would otherwise also try methods nobody configured.
        authHandler: [auth],
        readyTimeout: config.readyTimeout,
        keepaliveInterval: config.keepaliveInterval,
        keepaliveCountMax: config.keepaliveCountMax,
        algorithms: config.algorithms,
        hostVerifier: (key: Buffer, callback: (valid: boolean) => void) => {
          void this.ask(id, (request) => ({ ev: 'verify', id, request, key: ownBytes(key) })).then((answer) => callback(answer.op === 'verified' && answer.ok));
        },
      });
    } catch (error) {
      this.post({ ev: 'error', id, error: toWireError(error as Error) });
      connection.client = null;
      connection.socket.destroy();
    }
  }

  private open(id: number, channel: number, sourcePort: number, remotePort: number): void {
    const client = this.connections.get(id)?.client;
    if (!client) {
      this.post({ ev: 'opened', channel, error: 'not-connected' });
      return;
    }
    try {
      client.forwardOut('127.0.0.1', sourcePort, '127.0.0.1', remotePort, (error, opened) => {
        if (error) {
          this.post({ ev: 'opened', channel, error: toWireError(error) });
          return;
        }
        this.channels.set(channel, { channel: opened, connection: id });
        opened.once('close', () => this.channels.delete(channel));
        // Unpiped, it still needs a listener: errors are reported through the local connection once piped.
        opened.on('error', () => {});
        this.post({ ev: 'opened', channel, error: null });
      });
    } catch {
      this.post({ ev: 'opened', channel, error: 'not-connected' });
    }
  }

  private async listen(id: number, port: number, counters: SharedArrayBuffer): Promise<void> {
    const result = await listenLoopback(port, (socket) => this.accept(id, socket));
    if (!result.ok) {
      this.post({ ev: 'listening', listener: id, code: result.code });
      return;
    }
    this.listeners.set(id, { listener: result.listener, counters: new BigInt64Array(counters), locals: new Set(), letGo: false });
    this.post({ ev: 'listening', listener: id, code: null });
  }

  private async unlisten(id: number, keep: boolean): Promise<void> {
    const entry = this.listeners.get(id);
    if (entry && keep) {
      entry.letGo = true;
      await entry.listener.letGo();
      if (entry.locals.size === 0) this.listeners.delete(id);
    } else if (entry) {
      for (const local of entry.locals) this.locals.get(local)?.socket.destroy();
      await entry.listener.close();
      this.listeners.delete(id);
    }
    this.post({ ev: 'unlistened', listener: id });
  }

  private accept(listener: number, socket: net.Socket): void {
    const entry = this.listeners.get(listener);
    if (!entry) {
      socket.destroy();
      return;
    }
    const id = this.nextLocal++;
    const local: Local = { socket, listener, channel: null, connection: null };
    this.locals.set(id, local);
    entry.locals.add(id);
    socket.setNoDelay(true);
    socket.on('error', () => local.channel?.close());
    socket.once('close', () => {
      this.locals.delete(id);
      entry.locals.delete(id);
      if (entry.letGo && entry.locals.size === 0) this.listeners.delete(listener);
      local.channel?.close();
      this.post({ ev: 'local-closed', listener, local: id });
    });
    this.post({ ev: 'accepted', listener, local: id, sourcePort: socket.remotePort ?? 0 });
  }

  private pipe(id: number, channelId: number): void {
    const local = this.locals.get(id);
    const open = this.channels.get(channelId);
    this.channels.delete(channelId);
    if (!open) {
      local?.socket.destroy();
      return;
    }
    const entry = local && this.listeners.get(local.listener);
    if (!local || !entry || local.socket.destroyed) {
      open.channel.close();
      return;
    }
    local.channel = open.channel;
    local.connection = open.connection;
    pipeChannel(local.socket, open.channel, entry.counters);
  }

  /**
   * The SSH connection is gone: the local connections of its channels that the remote side
   * had not finished are reset, not ended, so a program never takes a cut-off transfer for a
   * whole one. ssh2 ends every channel of a lost connection as if the server had sent EOF,
   * right after its client's `close`; this runs first.
   */
  private resetPiped(connection: number): void {
    for (const local of this.locals.values()) {
      if (local.connection === connection && !local.socket.writableEnded) local.socket.resetAndDestroy();
    }
  }
}
