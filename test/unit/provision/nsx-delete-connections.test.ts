import { ConfigError, OperationError } from '../../../src/core/errors';
import { backendsNeeded, requireBackendConnections } from '../../../src/provision/backends-needed';
import { nsxvTargetFromEnv } from '../../../src/provision/backends/nsx-v/connect';
import {
  PROJECT_TAG_SCOPE,
  projectOwnsNsxObjects,
} from '../../../src/provision/backends/nsx-t/project-owner';
import type { NsxtClient } from '../../../src/clients/nsxt';

describe('VIOK_NSXV_* (delete without state)', () => {
  it('names no manager when VIOK_NSXV_URL is not set', () => {
    expect(nsxvTargetFromEnv({ VIOK_NSXV_USERNAME: 'admin', VIOK_NSXV_PASSWORD: 'p' })).toBeUndefined();
  });

  it('takes the URL, user, password, the shared CA file and VIOK_INSECURE', () => {
    expect(
      nsxvTargetFromEnv({
        VIOK_NSXV_URL: 'https://nsxv.example.com',
        VIOK_NSXV_USERNAME: 'admin',
        VIOK_NSXV_PASSWORD: 'p',
        VIOK_NSX_CA_FILE: '/etc/ca.pem',
        VIOK_INSECURE: '1',
      }),
    ).toEqual({
      url: 'https://nsxv.example.com',
      username: 'admin',
      password: 'p',
      cacert: '/etc/ca.pem',
      insecure: true,
    });
  });

  it('refuses a URL without user or password, or not https, naming the variables and never the password', () => {
    expect(() => nsxvTargetFromEnv({ VIOK_NSXV_URL: 'https://nsxv.example.com' })).toThrow(
      new ConfigError('VIOK_NSXV_URL is set but VIOK_NSXV_USERNAME or VIOK_NSXV_PASSWORD is not'),
    );
    const plain = () =>
      nsxvTargetFromEnv({
        VIOK_NSXV_URL: 'http://nsxv.example.com',
        VIOK_NSXV_USERNAME: 'admin',
        VIOK_NSXV_PASSWORD: 'hunter2',
      });
    expect(plain).toThrow(/^VIOK_NSXV_URL: http:\/\/nsxv.example.com is not an https URL$/);
  });
});

describe('the backends a delete needs', () => {
  it("are the state's NSX backend and those whose objects were found", () => {
    expect(backendsNeeded(undefined, [{ key: 'port/vip' }, { key: 'server/cp-1' }])).toEqual([]);
    expect(backendsNeeded('vds', [{ key: 'network/pod' }])).toEqual(['nsx-t']);
    expect(backendsNeeded(undefined, [{ key: 'network/internal' }, {}])).toEqual(['nsx-v']);
    expect(backendsNeeded('nsx-v', [])).toEqual(['nsx-v']);
  });

  it('refuses, naming what would be left and the variables, when one has no connection', () => {
    const none = { connections: [] };
    expect(() => requireBackendConnections('demo', [], none, undefined)).not.toThrow();
    expect(() =>
      requireBackendConnections('demo', ['nsx-t'], { connections: [{ backend: 'nsx-t' }] }, undefined),
    ).not.toThrow();
    const refused = () => requireBackendConnections('demo', ['nsx-v'], none, '/st');
    expect(refused).toThrow(OperationError);
    expect(refused).toThrow(/named viok-demo-…/);
    expect(refused).toThrow(/set VIOK_NSXV_URL, VIOK_NSXV_USERNAME and VIOK_NSXV_PASSWORD/);
    expect(refused).toThrow(
      /Nothing was deleted and the state in \/st is kept; then run viok delete cluster demo again$/,
    );
  });
});

describe("NSX-T objects claimed by the project's tag (delete with nothing left in OpenStack)", () => {
  const nsx = (tags: { scope: string; tag: string }[][]) =>
    ({
      ipBlocks: { listByTag: async () => tags.slice(0, 1).map((t, i) => ({ id: `b${i}`, tags: t })) },
      ipPools: { listByTag: async () => tags.slice(1).map((t, i) => ({ id: `p${i}`, tags: t })) },
      firewallSections: { listByTag: async () => [] },
    }) as unknown as NsxtClient;
  const mine = { scope: PROJECT_TAG_SCOPE, tag: 'proj-a' };

  it("are this project's only when every one carries its tag", async () => {
    expect(await projectOwnsNsxObjects(nsx([[mine], [mine]]), 'xp', 'proj-a')).toBe(true);
    expect(await projectOwnsNsxObjects(nsx([]), 'xp', 'proj-a')).toBe(false);
    // another project's cluster of the name, or objects without the tag (made before it): not claimed
    expect(await projectOwnsNsxObjects(nsx([[{ ...mine, tag: 'proj-b' }]]), 'xp', 'proj-a')).toBe(false);
    expect(await projectOwnsNsxObjects(nsx([[mine], []]), 'xp', 'proj-a')).toBe(false);
  });
});
