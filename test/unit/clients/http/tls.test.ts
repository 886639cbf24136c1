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
