/**
 * A real single-member etcd (Debian's etcd-server) on 127.0.0.1 with ephemeral ports and a temp data
 * dir, for e2e and reliability tests of the etcd state backend. Fails loudly when etcd is missing, except
 * in the blocks `describeWithEtcd` skips outside CI.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runsWith } from './programs';

/** PEM files of a throw-away CA and a client certificate it signed. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export interface RunningEtcd {
  /** `127.0.0.1:port`, the client endpoint. */
  endpoint: string;
  /** `etcd://127.0.0.1:port/<prefix>` (`etcds://` with TLS). */
  url(prefix: string): string;
  /** With `tls`: the CA that signed the server's certificate, and a client certificate it accepts. */
  tls?: TlsFiles;
  stop(): Promise<void>;
}

/** The etcd binary: $ETCD_BIN, else Debian's /usr/bin/etcd. */
export function etcdBinary(): string {
  return process.env.ETCD_BIN ?? '/usr/bin/etcd';
}

/**
 * `describe` for tests that start etcd; outside CI without etcd, `describe.skip`, recorded for the one
 * line printed at the end of the run. In CI they run (and fail without etcd: .ci/run installs it).
 */
export function describeWithEtcd(what: string): jest.Describe {
  const need = { program: etcdBinary(), install: 'apt-get install -y etcd-server, or set ETCD_BIN' };
  return runsWith(need, what) ? describe : describe.skip;
}

/** A port nothing listens on right now (the OS picks it; closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts etcd; with `tls`, clients must speak TLS and present a certificate signed by a fresh CA
 * (made with the openssl CLI).
 */
export async function startEtcd(options: { tls?: boolean } = {}): Promise<RunningEtcd> {
  const bin = etcdBinary();
  if (!existsSync(bin))
    throw new Error(`etcd binary not found at ${bin}: apt-get install -y etcd-server (or set ETCD_BIN)`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'viok-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const tls = options.tls ? makeCertificates(path.join(dataDir, 'pki')) : undefined;
  const client = `${tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    bin,
    [
      '--name=viok-test',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=viok-test=${peer}`,
      '--initial-cluster-state=new',
      '--log-level=error',
      ...(tls
        ? [
            `--cert-file=${tls.server.cert}`,
            `--key-file=${tls.server.key}`,
            `--trusted-ca-file=${tls.client.ca}`,
            '--client-cert-auth',
          ]
        : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async (): Promise<void> => {
    await terminate(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(client, child, () => stderr, tls?.client);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    endpoint: `127.0.0.1:${clientPort}`,
    url: (prefix) => `${tls ? 'etcds' : 'etcd'}://127.0.0.1:${clientPort}/${prefix}`,
    ...(tls ? { tls: tls.client } : {}),
    stop,
  };
}

async function waitHealthy(
  client: string,
  child: ChildProcess,
  stderr: () => string,
  tls: TlsFiles | undefined,
): Promise<void> {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`etcd exited with code ${child.exitCode}:\n${stderr()}`);
    if (await healthy(`${client}/health`, tls)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`etcd did not become healthy at ${client} within 20 s:\n${stderr()}`);
}

function healthy(url: string, tls: TlsFiles | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const onResponse = (res: http.IncomingMessage): void => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"true"')));
    };
    const req = tls
      ? https.get(
          url,
          { ca: readFileSync(tls.ca), cert: readFileSync(tls.cert), key: readFileSync(tls.key) },
          onResponse,
        )
      : http.get(url, onResponse);
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by that CA. */
function makeCertificates(dir: string): { server: TlsFiles; client: TlsFiles } {
  const file = (name: string): string => path.join(dir, name);
  const openssl = (...args: string[]): void => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`openssl ${args[0]} failed (apt-get install -y openssl):\n${r.stderr}${r.error ?? ''}`);
  };
  mkdirSync(dir, { recursive: true });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=viok-test-ca',
  );
  for (const [name, usage] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(file(`${name}.ext`), `${usage}\n`);
    openssl('req', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=viok-${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
  const files = (name: string): TlsFiles => ({
    ca: file('ca.pem'),
    cert: file(`${name}.pem`),
    key: file(`${name}.key`),
  });
  return { server: files('server'), client: files('client') };
}
