/**
 * Malformed HTTP and WebSocket input against `pond serve` while it holds a connected pond:
 * every attempt gets a 4xx or a close code, the host and its forwards stay up, and the
 * refused attempts reach the log only a few times a minute.
 */
import { randomBytes, randomInt } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { startSshd } from '../../src/engine/mesh/testing/sshd';
import { bystanderReport, faultPond, type Scenario, type ScenarioResult } from '../scenario';
import type { Serve } from '../serve';
import { echoCheck } from '../traffic';
import { secondsSince } from '../wait';

const FUZZ = 200;

/** Sends raw bytes; the status line the host answers with, or `closed` when it answered nothing. */
function rawRequest(serve: Serve, bytes: Buffer | string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: serve.port }, () => socket.end(bytes));
    let got = '';
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 'closed');
    });
  });
}

/** Opens the API socket (token and origin as given); the open socket, or the HTTP status it was refused with (0: no answer at all). */
function openApi(serve: Serve, token: string, origin = serve.origin): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api?token=${token}`, { origin, handshakeTimeout: 10_000 });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => resolve(0));
  });
}

/** Sends one frame on a fresh API socket; the close code, or `answered` when it got a reply and stayed open. */
async function frame(serve: Serve, data: Buffer | string, binary: boolean): Promise<string> {
  const ws = await openApi(serve, serve.token);
  if (typeof ws === 'number') return `refused ${ws}`;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve('no answer');
    }, 10_000);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(String(code));
    });
    ws.once('message', () => {
      clearTimeout(timer);
      ws.close();
      resolve('answered');
    });
    ws.send(data, { binary });
  });
}

function tally(outcomes: string[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  return [...counts].sort().map(([o, n]) => `${o}×${n}`).join(' ');
}

export const serveInput: Scenario = {
  name: 'serve-input',
  title: 'malformed HTTP and WebSocket input against pond serve',
  async run(context) {
    const sshd = await startSshd({ dir: path.join(context.dir, 'sshd-victim') });
    context.defer(() => sshd.stop());
    const { serve, ports, bystanders } = await faultPond(context, { host: '127.0.0.1', sshd }, 5 * 60_000);
    const result: ScenarioResult = { figures: [], problems: [] };
    const began = Date.now();
    const host = `Host: 127.0.0.1:${serve.port}`;
    const expect = (what: string, got: string, wanted: RegExp) => {
      if (!wanted.test(got)) result.problems.push(`${what}: got ${got}`);
    };

    const requests: Array<[string, string, RegExp]> = [
      ['request line that is not a URL', `GET http://[ HTTP/1.1\r\n${host}\r\n\r\n`, /^400$/],
      ['WebSocket upgrade to a target that is not a URL', `GET http://[ HTTP/1.1\r\n${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`, /^400$/],
      ['binary garbage', '\u0000\u0001\u0002 nonsense\r\n\r\n', /^400$/],
      ['100 KB header', `GET / HTTP/1.1\r\n${host}\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`, /^431$/],
      ['negative Content-Length', `POST / HTTP/1.1\r\n${host}\r\nContent-Length: -1\r\n\r\n`, /^400$/],
      ['another Host (DNS rebinding)', 'GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n', /^421$/],
    ];
    for (const [what, bytes, wanted] of requests) expect(what, await rawRequest(serve, bytes), wanted);
    const fuzzedHttp: string[] = [];
    for (let i = 0; i < FUZZ; i += 1) {
      // Pure noise, or a request line whose target holds a control byte: never a request Node could serve.
      const line = i % 2 === 0 ? randomBytes(randomInt(1, 300)) : Buffer.from(`GET /\u0001${randomBytes(randomInt(1, 60)).toString('latin1')} HTTP/1.1\r\n${host}\r\n\r\n`, 'latin1');
      fuzzedHttp.push(await rawRequest(serve, Buffer.concat([line, Buffer.from('\r\n\r\n')])));
    }
    result.figures.push([`${FUZZ} fuzzed requests answered`, tally(fuzzedHttp)]);
    const not4xx = fuzzedHttp.filter((o) => !/^4\d\d$/.test(o));
    if (not4xx.length > 0) result.problems.push(`fuzzed requests not answered with a 4xx: ${tally(not4xx)}`);

    const refusals: Array<number | WebSocket> = [];
    for (let i = 0; i < 100; i += 1) refusals.push(await openApi(serve, 'wrong'));
    refusals.push(await openApi(serve, serve.token, 'http://evil.example'));
    const statuses = refusals.map((r) => (typeof r === 'number' ? String(r) : 'opened'));
    result.figures.push(['100 wrong tokens, 1 foreign origin', tally(statuses)]);
    expect('wrong tokens', tally(statuses.slice(0, 100)), /^401×100$/);
    expect('a foreign origin', statuses[100]!, /^403$/);

    expect('a frame over 1 MiB', await frame(serve, 'x'.repeat(1024 * 1024 + 1), false), /^1009$/);
    expect('text that is not UTF-8', await frame(serve, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false), /^1007$/);
    expect('a request that is not JSON', await frame(serve, '{"id":', false), /^1003$/);
    expect('a well-formed request for no channel', await frame(serve, JSON.stringify({ id: 1, channel: 'nope:nothing' }), false), /^answered$/);
    const fuzzedFrames: string[] = [];
    for (let i = 0; i < FUZZ; i += 1) fuzzedFrames.push(await frame(serve, randomBytes(randomInt(1, 2048)), i % 2 === 0));
    result.figures.push([`${FUZZ} fuzzed frames`, tally(fuzzedFrames)]);
    if (fuzzedFrames.some((o) => !/^(100[1-9]|answered)$/.test(o))) result.problems.push(`fuzzed frames: ${tally(fuzzedFrames)}`);

    const alive = serve.alive() && 'result' in (await serve.call('app:info'));
    result.figures.push(['pond serve still up', alive ? 'yes' : 'NO']);
    if (!alive) result.problems.push('pond serve did not survive');
    for (const [member, port] of ports) {
      try {
        await echoCheck(port);
      } catch (error) {
        result.problems.push(`${member}'s forward after the input: ${(error as Error).message}`);
      }
    }
    const minutes = Math.ceil(secondsSince(began) / 60);
    const logged = serve.stderr().split('\n').filter((l) => l.startsWith('web host: ')).length;
    result.figures.push(['log lines about refused attempts', `${logged} in ${minutes} min`]);
    if (logged > 3 * (minutes + 1)) result.problems.push(`${logged} log lines in ${minutes} min: not rate-limited`);
    bystanderReport(await bystanders.stop(), result);
    return result;
  },
};
