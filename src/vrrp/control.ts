// The local control socket of `vipctl vrrp run`: a Unix stream socket that only root can
// open (mode 0600 in a 0700 directory). One JSON request per line, one JSON reply per line.
// `vipctl vrrp status` is its client.
import net from 'node:net';
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { ExitCode, VipctlError } from '../errors.js';

export const DEFAULT_CONTROL_SOCKET = '/run/vipctl/vrrp.sock';

export interface ControlRequest {
  command: string;
  [key: string]: unknown;
}

export type ControlHandler = (request: ControlRequest) => Promise<unknown> | unknown;

const MAX_REQUEST_BYTES = 64 * 1024;

/** Is something answering on this socket path? */
function isLive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * Serves the control socket. A socket file left by a killed run is replaced; one that a
 * running engine still answers on is an error (two engines would fight over the VIPs).
 */
export async function startControlServer(socketPath: string, handler: ControlHandler): Promise<net.Server> {
  mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  if (await isLive(socketPath)) {
    throw new VipctlError(`another vrrp engine is already running (control socket ${socketPath} answers)`, {
      hint: 'stop it first, or give this one another --control-socket',
      exitCode: ExitCode.Exists,
    });
  }
  try {
    unlinkSync(socketPath);
  } catch {
    // Nothing was there.
  }
  const server = net.createServer((connection) => {
    let buffered = '';
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_REQUEST_BYTES) {
        connection.end(`${JSON.stringify({ error: 'request too large' })}\n`);
        return;
      }
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        void answer(line).then((reply) => connection.write(`${JSON.stringify(reply)}\n`));
      }
    });
    connection.on('error', () => connection.destroy());
  });
  const answer = async (line: string): Promise<unknown> => {
    try {
      const request = JSON.parse(line) as ControlRequest;
      if (typeof request?.command !== 'string') return { error: 'a request needs a "command"' };
      return { ok: true, result: await handler(request) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  server.unref();
  return server;
}

/** Sends one request to a running engine and returns its result. */
export function queryControl(socketPath: string, request: ControlRequest, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const connection = net.connect(socketPath);
    let buffered = '';
    const timer = setTimeout(() => {
      connection.destroy();
      reject(new VipctlError(`the vrrp engine did not answer within ${timeoutMs} ms`, { exitCode: ExitCode.Failure }));
    }, timeoutMs);
    connection.setEncoding('utf8');
    connection.on('connect', () => connection.write(`${JSON.stringify(request)}\n`));
    connection.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      connection.end();
      try {
        const reply = JSON.parse(buffered.slice(0, newline)) as { ok?: boolean; result?: unknown; error?: string };
        if (reply.ok) resolve(reply.result);
        else reject(new VipctlError(`the vrrp engine refused the request: ${reply.error ?? 'no reason given'}`));
      } catch (error) {
        reject(error);
      }
    });
    connection.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        reject(
          new VipctlError(`no vrrp engine is running (nothing answers on ${socketPath})`, {
            hint: 'start one with `vipctl vrrp run`, or name its socket with --control-socket',
            exitCode: ExitCode.NotFound,
            cause: error,
          }),
        );
      } else if (error.code === 'EACCES') {
        reject(new VipctlError(`permission denied on ${socketPath}`, { hint: 'the control socket is root-only: run as root', exitCode: ExitCode.Permission, cause: error }));
      } else reject(error);
    });
  });
}
