import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nsxEnvironment, writeConnectionFiles, type SimUrls } from '../../../src/sim';
import { itNeeding } from '../../helpers/programs';

const urls: SimUrls = {
  openstack: 'http://127.0.0.1:5000',
  identity: 'http://127.0.0.1:5000/identity',
  network: 'http://127.0.0.1:5000/network',
  compute: 'http://127.0.0.1:5000/compute/v2.1',
  image: 'http://127.0.0.1:5000/image',
  nsxt: 'https://127.0.0.1:5443',
  nsxv: 'https://127.0.0.1:5444',
};

describe('viok-sim.env', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "viok-sim-env-it's-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  itNeeding({ program: 'bash', install: 'apt-get install -y bash' })(
    'exports every variable, so a process started after `source` sees them',
    () => {
      const files = writeConnectionFiles(
        { urls, caPem: '-----BEGIN CERTIFICATE-----\n' },
        path.join(dir, 'clouds.yaml'),
      );
      const expected = nsxEnvironment(urls, files.caFile, files.cloudsYaml);
      // `env` is a child of the shell: it prints only exported variables.
      const printed = execFileSync('bash', ['-c', 'source "$1" && env', 'bash', files.envFile], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
      const seen = new Map(
        printed
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      for (const [name, value] of Object.entries(expected))
        expect([name, seen.get(name)]).toEqual([name, value]);
      expect(seen.get('VIOK_NSXT_PASSWORD')).toBe(expected.VIOK_NSXT_PASSWORD);
    },
  );
});
