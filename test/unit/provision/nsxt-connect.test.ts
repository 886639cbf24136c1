import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/core/errors';
import { nsxtTargetFromEnv, nsxtTargetFromSpec } from '../../../src/provision/backends/nsx-t/connect';
import type { NsxT } from '../../../src/spec/types';

const nsxt: NsxT = {
  managers: ['https://nsx-a.example.com', 'https://nsx-b.example.com'],
  username: 'admin',
  password: { env: 'NSX_PW' },
  tier0Router: 't0',
  overlayTransportZone: 'tz',
  podIpBlock: { cidr: '172.16.0.0/16' },
  externalIpPool: { cidr: '203.0.113.0/24' },
};

describe('the NSX-T Manager viok talks to', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-nsxt-connect-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const sources = (env: NodeJS.ProcessEnv) => ({ env, cwd: dir, homeDir: dir });

  it('takes the first manager, the password from its reference and the CA from caFile (relative to cwd)', () => {
    writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    expect(nsxtTargetFromSpec({ ...nsxt, caFile: 'ca.pem' }, sources({ NSX_PW: 's3cret' }))).toEqual({
      url: 'https://nsx-a.example.com',
      username: 'admin',
      password: 's3cret',
      caPem: '-----BEGIN CERTIFICATE-----\n',
    });
  });

  it('names the missing variable, never a value', () => {
    const e = (() => {
      try {
        return nsxtTargetFromSpec(nsxt, sources({}));
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe('/spec/nsxt/password: environment variable NSX_PW is not set');
  });

  it('reads what viok-sim.env exports, for delete without a spec', () => {
    const ca = path.join(dir, 'viok-sim-ca.pem');
    writeFileSync(ca, 'PEM');
    expect(
      nsxtTargetFromEnv({
        VIOK_NSXT_URL: 'https://127.0.0.1:5443',
        VIOK_NSXT_USERNAME: 'admin',
        VIOK_NSXT_PASSWORD: 'pw',
        VIOK_NSX_CA_FILE: ca,
      }),
    ).toEqual({ url: 'https://127.0.0.1:5443', username: 'admin', password: 'pw', caPem: 'PEM' });
    expect(nsxtTargetFromEnv({})).toBeUndefined();
    expect(() => nsxtTargetFromEnv({ VIOK_NSXT_URL: 'https://x' })).toThrow(ConfigError);
  });
});
