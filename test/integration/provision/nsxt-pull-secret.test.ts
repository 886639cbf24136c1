/**
 * NCP's image from a private registry (issue 16): spec.nsxt.ncp.imagePullSecretFile becomes the
 * Secret nsx-system/ncp-image-pull in cp-1's user data only (no other node, no log, no state), and a
 * file that is missing or is no Docker config is refused before anything is created.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import type { Harness } from '../../helpers/provision-harness';
import { nsxtClients } from '../../helpers/backend-clients';
import { simNsxtClient, smallNsxtSpec, startNsxtHarness } from '../../helpers/nsxt-sim';
import { withUnpackedFiles } from '../../helpers/user-data';

const CLUSTER = 'demo-nsxt';
const TOKEN = 'robot-pull-token-5f1c9e';

describe('NCP image pull secret (nsx-t, simulator)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'viok-ncp-pull-'));
  const file = path.join(dir, 'config.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = (pullFile: string) =>
    startNsxtHarness((ca) => {
      const spec = smallNsxtSpec(ca, { controlPlane: 1, workers: 1 });
      const nsxt = spec.spec.nsxt;
      if (!nsxt?.ncp) throw new Error('the example has no nsxt.ncp');
      return {
        ...spec,
        spec: { ...spec.spec, nsxt: { ...nsxt, ncp: { ...nsxt.ncp, imagePullSecretFile: pullFile } } },
      };
    });

  const userDataOf = async (h: Harness): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const server of await h.clients.nova.servers.listByTag(clusterTag(CLUSTER))) {
      const r = await h.sim.api('GET', `/compute/v2.1/servers/${server.id}`, {
        headers: { 'openstack-api-version': 'compute 2.3' },
      });
      const raw = (r.body as { server: Record<string, string> }).server['OS-EXT-SRV-ATTR:user_data'] ?? '';
      out.set(server.name, withUnpackedFiles(Buffer.from(raw, 'base64').toString('utf8')));
    }
    return out;
  };

  it('gives cp-1 the Secret and NCP the pull secret, nobody else the credentials', async () => {
    const auth = Buffer.from(`robot$ncp:${TOKEN}`).toString('base64');
    // a config.json as docker login writes it, with a credential helper the nodes do not have
    writeFileSync(
      file,
      JSON.stringify({ auths: { 'registry.example.com': { auth } }, credsStore: 'desktop' }),
    );
    const { h, close } = await start(file);
    try {
      await createCluster({ ...h.createOptions(), backendClients: nsxtClients(simNsxtClient(h)) });
      const userData = await userDataOf(h);
      const cp = userData.get(`${CLUSTER}-cp-1`) ?? '';
      expect(cp).toContain('name: ncp-image-pull');
      expect(cp).toContain('type: kubernetes.io/dockerconfigjson');
      expect(cp).toContain(auth);
      expect(cp).not.toContain('credsStore');
      expect(cp).toMatch(/imagePullSecrets:\s*\n\s*- name: ncp-image-pull/);
      for (const [name, text] of userData)
        if (name !== `${CLUSTER}-cp-1`) expect(`${name}: ${text.includes(auth)}`).toBe(`${name}: false`);
      const events = JSON.stringify(h.progress.events);
      expect(events).not.toContain(auth);
    } finally {
      await close();
    }
  }, 120_000);

  it.each([
    [
      'missing',
      path.join(dir, 'nope.json'),
      /spec\.nsxt\.ncp\.imagePullSecretFile: cannot read .*nope\.json: ENOENT/,
    ],
    ['not JSON', 'notjson', /spec\.nsxt\.ncp\.imagePullSecretFile: .*notjson is not JSON/],
    [
      'without auths',
      'noauths',
      /spec\.nsxt\.ncp\.imagePullSecretFile: .*noauths has no registry under "auths"/,
    ],
  ])(
    'refuses a file %s before anything is created',
    async (_what, name, message) => {
      writeFileSync(path.join(dir, 'notjson'), 'auths: {}');
      writeFileSync(path.join(dir, 'noauths'), JSON.stringify({ credsStore: 'desktop' }));
      const { h, close } = await start(path.isAbsolute(name) ? name : path.join(dir, name));
      try {
        const from = h.mutations().length;
        await expect(
          createCluster({ ...h.createOptions(), backendClients: nsxtClients(simNsxtClient(h)) }),
        ).rejects.toThrow(message);
        expect(
          h
            .mutations()
            .slice(from)
            .filter((m) => !m.includes('/auth/tokens') && !m.includes('/api/session')),
        ).toEqual([]);
      } finally {
        await close();
      }
    },
    120_000,
  );
});
