import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createHttpClient } from '../../../../src/clients/http/client';
import type { ApiError } from '../../../../src/clients/http/errors';
import type { TlsOptions } from '../../../../src/clients/http/tls';
import { generateTlsMaterial, type SimTlsMaterial } from '../../../../src/sim/tls';
import { FakeClock } from '../../../helpers/fake-clock';

describe('TLS', () => {
  let tls: SimTlsMaterial;
  let server: https.Server;
  let url: string;

  beforeAll(async () => {
    tls = await generateTlsMaterial(['127.0.0.1']);
    server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const get = (t: TlsOptions): Promise<unknown> =>
    createHttpClient({
      service: 'nsxt',
      baseUrl: url,
      parseError: () => ({}),
      clock: new FakeClock(),
      tls: t,
      retry: { attempts: 1 },
    })
      .request({ method: 'GET', path: '/' })
      .then((r) => r.data);

  test('verification is on: an unknown CA fails with a hint and no retry', async () => {
    const e = (await get({ verify: true }).catch((err: unknown) => err)) as ApiError;
    expect(e.details.networkCode).toMatch(/CERT|SIGNED|VERIFY/);
    expect(e.details.backendMessage).toMatch(/spec\.nsxt\.caFile.*--insecure/);
  });

  test('cacert as PEM text or as a file path is trusted', async () => {
    expect(await get({ verify: true, cacert: tls.caPem })).toEqual({ ok: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-ca-'));
    try {
      const file = path.join(dir, 'ca.pem');
      fs.writeFileSync(file, tls.caPem);
      expect(await get({ verify: true, cacert: file })).toEqual({ ok: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('verify: false connects without checking', async () => {
    expect(await get({ verify: false })).toEqual({ ok: true });
  });
});

describe('connections', () => {
  let tls: SimTlsMaterial;
  beforeAll(async () => {
    tls = await generateTlsMaterial(['127.0.0.1']);
  });

  /** An HTTPS server counting the TLS connections it accepts; `closeAfterAnswer` drops each one idle. */
  async function countingServer(closeAfterAnswer = false): Promise<{
    url: string;
    connections: () => number;
    close: () => Promise<void>;
  }> {
    let connections = 0;
    const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      // the server's idle timeout fires between two requests: it closes without saying so beforehand
      if (closeAfterAnswer) res.on('finish', () => setTimeout(() => req.socket.destroy(), 20));
    });
    server.on('secureConnection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      connections: () => connections,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  const client = (url: string) =>
    createHttpClient({
      service: 'neutron',
      baseUrl: url,
      parseError: () => ({}),
      clock: new FakeClock(),
      tls: { verify: true, cacert: tls.caPem },
      retry: { attempts: 1 },
    });

  test('requests in sequence and in parallel reuse kept-alive connections (one handshake each, not one per request)', async () => {
    const server = await countingServer();
    try {
      const c = client(server.url);
      for (let i = 0; i < 5; i++) await c.request({ method: 'GET', path: '/' });
      expect(server.connections()).toBe(1);
      await Promise.all(Array.from({ length: 4 }, () => c.request({ method: 'POST', path: '/', body: {} })));
      expect(server.connections()).toBe(4);
    } finally {
      await server.close();
    }
  });

  test('a connection the server closed while idle is not used again: the next request, a POST, succeeds', async () => {
    const server = await countingServer(true);
    try {
      const c = client(server.url);
      await c.request({ method: 'GET', path: '/' });
      await new Promise((r) => setTimeout(r, 100));
      expect((await c.request({ method: 'POST', path: '/', body: {} })).data).toEqual({ ok: true });
      expect(server.connections()).toBe(2);
    } finally {
      await server.close();
    }
  });
});
