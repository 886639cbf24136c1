/**
 * NCP's principal identity against the whole in-process simulator, every NSX-T request and answer
 * checked against the vendor's 3.1 spec: create registers the identity with a certificate whose key
 * only the state and cp-1's NCP Secret hold; no node's user data carries the NSX admin password; a
 * lost answer, a re-run and an interrupted delete converge; delete leaves no identity or certificate of
 * the cluster and another cluster's untouched.
 */
import { readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { ApiError } from '../../../src/clients/http/errors';
import type { HttpClient } from '../../../src/clients/http/types';
import type { NsxtClient } from '../../../src/clients/nsxt';
import { clusterTag } from '../../../src/core/names';
import { createSelfSignedClientCert } from '../../../src/pki';
import { createCluster } from '../../../src/provision/create';
import { deleteCluster } from '../../../src/provision/delete';
import {
  NCP_IDENTITY_SECRET,
  principalIdentityName,
} from '../../../src/provision/backends/nsx-t/principal-identity';
import { NSXT_SIM_PASSWORD } from '../../../src/sim/nsxt';
import { nsxtClients } from '../../helpers/backend-clients';
import { validatingHttpClient, type ValidatedExchange } from '../../helpers/nsx-validating-http';
import type { Harness } from '../../helpers/provision-harness';
import { simNsxtClient, smallNsxtSpec, startNsxtHarness } from '../../helpers/nsxt-sim';
import { withUnpackedFiles } from '../../helpers/user-data';

const CLUSTER = 'demo-nsxt';
const PI_NAME = principalIdentityName(CLUSTER);
const WITH_CERT = '/trust-management/principal-identities/with-certificate';

/** Forwards every request; the first POST to `path` is acted on, then its answer is "lost". */
function losingAnswerTo(inner: HttpClient, pathSuffix: string): HttpClient {
  let lost = false;
  return {
    service: inner.service,
    baseUrl: inner.baseUrl,
    async request(req) {
      const res = await inner.request(req);
      if (!lost && req.method === 'POST' && req.path.endsWith(pathSuffix)) {
        lost = true;
        throw new ApiError({
          service: 'nsxt',
          method: req.method,
          url: req.path,
          backendMessage: 'socket hang up',
          networkCode: 'ECONNRESET',
        });
      }
      return res;
    },
  } as HttpClient;
}

/** A GET to the simulated manager authenticated only by a TLS client certificate, as NCP connects. */
function getWithClientCert(
  url: string,
  caPem: string,
  identity: { certPem: string; keyPem: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: 'GET', ca: caPem, cert: identity.certPem, key: identity.keyPem, agent: false },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('NCP principal identity (nsx-t) against the simulator', () => {
  let h: Harness;
  let nsx: NsxtClient;
  let exchanges: ValidatedExchange[];
  let close: () => Promise<void>;
  let client: (wrap?: (inner: HttpClient) => HttpClient) => NsxtClient;

  beforeEach(async () => {
    ({ h, close } = await startNsxtHarness((ca) => smallNsxtSpec(ca, { controlPlane: 1, workers: 1 })));
    exchanges = [];
    client = (wrap = (i) => i) => simNsxtClient(h, (http) => wrap(validatingHttpClient(http, exchanges)));
    nsx = client();
  });
  afterEach(async () => {
    await close();
  });

  const userDataOf = async (): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const server of await h.clients.nova.servers.listByTag(clusterTag(CLUSTER))) {
      const r = await h.sim.api('GET', `/compute/v2.1/servers/${server.id}`, {
        headers: { 'openstack-api-version': 'compute 2.3' },
      });
      const raw = (r.body as { server: Record<string, string> }).server['OS-EXT-SRV-ATTR:user_data'] ?? '';
      // the gzipped files (NCP's bundle) unpacked, so the searches below see them
      out.set(server.name, withUnpackedFiles(Buffer.from(raw, 'base64').toString('utf8')));
    }
    return out;
  };
  const stateOf = () => {
    const file = path.join(h.stateDir, CLUSTER, 'state.json');
    return { file, state: JSON.parse(readFileSync(file, 'utf8')) as { secrets: Record<string, unknown> } };
  };
  const ours = async () => (await nsx.principalIdentities.list()).filter((p) => p.name === PI_NAME);

  it('registers a protected enterprise_admin identity whose certificate NCP gets, never the admin password', async () => {
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });

    const [pi, ...more] = await ours();
    expect(more).toEqual([]);
    expect(pi).toMatchObject({
      name: PI_NAME,
      node_id: `viok-${CLUSTER}`,
      role: 'enterprise_admin',
      is_protected: true,
    });
    const cert = await nsx.certificates.get(pi?.certificate_id ?? 'none');

    // the key and certificate live in the state (a 0600 file), the certificate also on the manager
    const { file, state } = stateOf();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const identity = state.secrets[NCP_IDENTITY_SECRET] as { certPem: string; keyPem: string };
    expect(cert.pem_encoded.replace(/\s+/g, '')).toBe(identity.certPem.replace(/\s+/g, ''));
    expect(identity.keyPem).toContain('-----BEGIN PRIVATE KEY-----');

    // validated against the spec on the way out and back; registered exactly once
    expect(exchanges.filter((e) => e.template === WITH_CERT)).toEqual([
      { method: 'POST', template: WITH_CERT, status: 201 },
    ]);

    // every node's user data: never the NSX admin password; cp-1's NCP Secret has the identity
    const userData = await userDataOf();
    expect(userData.size).toBe(4);
    for (const [name, text] of userData) {
      expect({ name, password: text.includes(NSXT_SIM_PASSWORD) }).toEqual({ name, password: false });
      expect(text).not.toContain('nsx_api_password');
      expect(text).not.toContain('nsx-ncp-credentials');
    }
    const cp = userData.get(`${CLUSTER}-cp-1`) ?? '';
    expect(cp).toContain('nsx_api_cert_file = /etc/nsx-ujo/nsx-cert/tls.crt');
    expect(cp).toContain('nsx_api_private_key_file = /etc/nsx-ujo/nsx-cert/tls.key');
    const firstKeyLine = identity.keyPem.split('\n')[1] ?? 'none';
    expect(cp).toContain(firstKeyLine);
    for (const [name, text] of userData)
      if (!name.endsWith('-cp-1'))
        expect({ name, key: text.includes(firstKeyLine) }).toEqual({ name, key: false });
  });

  it('finds the identity a lost answer registered, and registers nothing on a re-run', async () => {
    const losing = client((inner) => losingAnswerTo(inner, WITH_CERT));
    // the answer to the registration is lost: the run looks again and adopts what it registered
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(losing) });
    expect(await ours()).toHaveLength(1);
    expect(h.progress.events).toContainEqual(
      expect.objectContaining({ type: 'resource', key: 'nsxt/principal-identity/ncp', status: 'found' }),
    );
    const from = exchanges.length;
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    expect(exchanges.slice(from).filter((e) => e.method !== 'GET')).toEqual([]);
    expect(exchanges.filter((e) => e.template === WITH_CERT).map((e) => e.status)).toEqual([201]);
  });

  it('refuses an identity of its name bound to a certificate the state does not hold', async () => {
    const other = await createSelfSignedClientCert(PI_NAME, { now: new Date(), days: 30 }, ['viok']);
    await nsx.principalIdentities.createWithCertificate({
      name: PI_NAME,
      node_id: `viok-${CLUSTER}`,
      role: 'enterprise_admin',
      certificate_pem: other.certPem,
    });
    await expect(createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) })).rejects.toThrow(
      /is bound to a certificate this cluster's state does not hold/,
    );
  });

  it('delete removes the identity and its certificate, converges after an interruption, spares others', async () => {
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    // another cluster whose name starts with this one's
    const otherCert = await createSelfSignedClientCert(principalIdentityName(`${CLUSTER}-2`), {
      now: new Date(),
      days: 30,
    });
    const other = await nsx.principalIdentities.createWithCertificate({
      name: principalIdentityName(`${CLUSTER}-2`),
      node_id: `viok-${CLUSTER}-2`,
      role: 'enterprise_admin',
      certificate_pem: otherCert.certPem,
    });
    // an interrupted delete: the identity went, its certificate stayed
    const [pi] = await ours();
    await nsx.principalIdentities.delete(pi?.id ?? 'none');
    expect((await nsx.certificates.get(pi?.certificate_id ?? 'none')).id).toBe(pi?.certificate_id);

    await deleteCluster({ ...h.deleteOptions(), backendClients: nsxtClients(nsx) });
    expect(await ours()).toEqual([]);
    const certs = await nsx.certificates.list();
    expect(certs.map((c) => c.id)).toEqual([other.certificate_id]);
    expect((await nsx.principalIdentities.get(other.id)).name).toBe(principalIdentityName(`${CLUSTER}-2`));

    // and once more: nothing left to do, no error
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    await deleteCluster({ ...h.deleteOptions(), backendClients: nsxtClients(nsx) });
    await deleteCluster({ ...h.deleteOptions(), backendClients: nsxtClients(nsx) });
    expect(await ours()).toEqual([]);
    expect((await nsx.certificates.list()).map((c) => c.id)).toEqual([other.certificate_id]);
  });

  it('NCP authenticates with the certificate and key it was given, until delete removes the identity', async () => {
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    const identity = stateOf().state.secrets[NCP_IDENTITY_SECRET] as { certPem: string; keyPem: string };
    const url = `${h.sim.urls.nsxt}/api/v1/transport-zones`;
    const asNcp = await getWithClientCert(url, h.sim.caPem, identity);
    expect(asNcp.status).toBe(200);
    // a certificate NSX does not know is refused
    const stranger = await createSelfSignedClientCert(PI_NAME, { now: new Date(), days: 30 });
    expect((await getWithClientCert(url, h.sim.caPem, stranger)).status).toBe(403);

    await deleteCluster({ ...h.deleteOptions(), backendClients: nsxtClients(nsx) });
    expect((await getWithClientCert(url, h.sim.caPem, identity)).status).toBe(403);
  });
});
