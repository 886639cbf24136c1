/**
 * NCP's own NSX-T identity: per cluster, a key and a self-signed client certificate (kept in the
 * cluster state's secrets, a 0600 file) and a principal identity registered with that certificate.
 * NCP gets only the certificate and key (the Secret `nsx-system/nsx-secret`, mounted as files); the NSX
 * admin password stays with viok and never reaches a node.
 *
 * The trust-management calls follow the NSX-T 3.1 Manager API spec (see
 * src/clients/nsxt/principal-identities.ts). Deleting follows the administration guide's order: "Get
 * the details of the principal identity to delete and note the certificate_id value", delete the
 * identity ("deleting a principal identity does not automatically delete the corresponding
 * certificate"), then the certificate (NSX-T 3.0 Administration Guide, "Add a Role Assignment or
 * Principal Identity",
 * https://docs.vmware.com/en/VMware-NSX-T-Data-Center/3.0/administration/GUID-9AB0E35C-8A7D-48B5-9B91-1757B0481488.html).
 */
import { X509Certificate } from 'node:crypto';
import { OperationError } from '../../../core/errors';
import type { ProgressSink } from '../../../core/progress';
import { isNotFound } from '../../../clients/http/errors';
import type { NsxtClient, PrincipalIdentity, Stored } from '../../../clients/nsxt';
import { createSelfSignedClientCert, type CertificateAndKey } from '../../../pki';
import type { PlannedResource } from '../../backend';
import type { ProvisionContext } from '../../context';
import { nsxOf } from './nsx-objects';
import { nsxOwnerTags } from './tags';

export const PRINCIPAL_IDENTITY_KEY = 'nsxt/principal-identity/ncp';
/** The state secret holding NCP's certificate and key. */
export const NCP_IDENTITY_SECRET = 'nsxtNcpIdentity';

/**
 * The role of NCP's principal identity: `enterprise_admin`, the narrowest NSX-T 3.1 role that covers
 * what NCP does. NCP creates and later deletes tier-1 routers and their ports, logical switches and
 * ports, SNAT rules, load balancers, IP pools carved from the block and firewall sections (API-FACTS
 * §1.1); NSX-T 3.1's built-in roles split those between network_engineer (routing, switching, NAT),
 * security_engineer (firewall) and lb_admin (load balancing), and a 3.1 principal identity carries one
 * `role` (`roles_for_paths` only arrives with NSX 4.x, Pulumi/terraform-provider-nsxt
 * `nsxt_principal_identity`, "requires NSX version 4.0.0 or higher"). The spec's own note on the
 * deprecated `permission_group` maps the read-write and superuser groups, which VMware's NCP
 * instructions used for NCP's identity, to "enterprise_admin for the others" (3.1 Manager API spec,
 * PrincipalIdentity.permission_group). VMware's examples register principal identities with
 * enterprise_admin (developer.broadcom.com RegisterPrincipalIdentityWithCertificate example request).
 * With NSX 4.x, `roles_for_paths` could narrow it to the cluster's paths: not done here (3.1 API).
 */
export const NCP_PRINCIPAL_ROLE = 'enterprise_admin';

/**
 * Ten years, like the cluster CAs: nothing rotates the certificate yet (NSX has
 * `?action=update_certificate` for that), and an expired one stops NCP.
 */
const CERT_VALIDITY_DAYS = 3650;

/** `viok-<cluster>-ncp`: the principal identity's `name`, and its certificate's CN. */
export const principalIdentityName = (cluster: string): string => `viok-${cluster}-ncp`;
/** `viok-<cluster>`: the identity's `node_id` (any string; unique together with `name`). */
export const principalIdentityNodeId = (cluster: string): string => `viok-${cluster}`;

function isCertificateAndKey(v: unknown): v is CertificateAndKey {
  const o = v as Partial<CertificateAndKey> | undefined;
  return typeof o?.certPem === 'string' && typeof o.keyPem === 'string';
}

/** NCP's certificate and key from the state, or undefined before the identity resource ran. */
export function ncpIdentityOf(ctx: ProvisionContext): CertificateAndKey | undefined {
  const v = ctx.recorder.state.secrets[NCP_IDENTITY_SECRET];
  return isCertificateAndKey(v) ? v : undefined;
}

/** The stored certificate and key, else a new pair written to the state before NSX hears of it. */
async function ensureIdentityCert(ctx: ProvisionContext): Promise<CertificateAndKey> {
  const stored = ncpIdentityOf(ctx);
  if (stored) return stored;
  const pair = await createSelfSignedClientCert(
    principalIdentityName(ctx.cluster),
    { now: new Date(ctx.clock.now()), days: CERT_VALIDITY_DAYS },
    ['viok'],
  );
  // on disk before the POST: a run killed after it finds the identity by name and still has the key
  await ctx.recorder.setSecret(NCP_IDENTITY_SECRET, pair);
  return pair;
}

/** The cluster's identity (by name and node_id; the pair is unique on the manager), or undefined. */
export async function findPrincipalIdentity(
  nsx: NsxtClient,
  cluster: string,
): Promise<Stored<PrincipalIdentity> | undefined> {
  const nodeId = principalIdentityNodeId(cluster);
  return (await nsx.principalIdentities.findByName(principalIdentityName(cluster))).find(
    (p) => p.node_id === nodeId,
  );
}

const samePem = (a: string, b: string): boolean => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

/** True when the certificate's subject CN is exactly `cn` (a name that is another's prefix never matches). */
function hasCommonName(pem: string, cn: string): boolean {
  try {
    return new X509Certificate(pem).subject.split('\n').includes(`CN=${cn}`);
  } catch {
    return false;
  }
}

/**
 * Certificates named for the cluster's identity (CN `viok-<cluster>-ncp`) that no principal identity
 * uses: left when a run was killed between deleting the identity and its certificate.
 */
async function orphanCertificates(nsx: NsxtClient, cluster: string): Promise<{ id: string }[]> {
  const [certs, identities] = await Promise.all([nsx.certificates.list(), nsx.principalIdentities.list()]);
  const used = new Set(identities.map((p) => p.certificate_id));
  const cn = principalIdentityName(cluster);
  return certs.filter((c) => !used.has(c.id) && hasCommonName(c.pem_encoded, cn));
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/**
 * The principal identity as a graph resource, before the control-plane servers (whose user data
 * carries its certificate and key). Found by name and node_id; otherwise registered with the
 * certificate in the state. A failed POST (409 for a name taken meanwhile, or an answer that got lost on
 * the way back) is answered by looking again; a lost answer is also found by name on the next run.
 */
export function principalIdentityResource(ctx: ProvisionContext): PlannedResource {
  const name = principalIdentityName(ctx.cluster);
  const kind = 'nsxt-principal-identity';
  const found = async (pi: Stored<PrincipalIdentity>, action: 'created' | 'found') => {
    if (ctx.recorder.id(PRINCIPAL_IDENTITY_KEY) !== pi.id)
      await ctx.recorder.record(PRINCIPAL_IDENTITY_KEY, kind, pi.id);
    return {
      id: pi.id,
      action,
      attributes: { name, role: pi.role ?? NCP_PRINCIPAL_ROLE, certificateId: pi.certificate_id ?? '' },
    };
  };
  return {
    key: PRINCIPAL_IDENTITY_KEY,
    kind,
    name,
    service: 'nsxt',
    dependsOn: [],
    cost: {},
    exists: async () => (await findPrincipalIdentity(nsxOf(ctx), ctx.cluster)) !== undefined,
    ensure: async () => {
      const nsx = nsxOf(ctx);
      const cert = await ensureIdentityCert(ctx);
      const existing = await findPrincipalIdentity(nsx, ctx.cluster);
      if (existing) {
        await checkSameCertificate(nsx, existing, cert);
        return found(existing, 'found');
      }
      // a certificate left by an interrupted delete would make the manager refuse ours as a duplicate
      for (const orphan of await orphanCertificates(nsx, ctx.cluster))
        await ignoreNotFound(nsx.certificates.delete(orphan.id));
      try {
        const created = await nsx.principalIdentities.createWithCertificate({
          name,
          node_id: principalIdentityNodeId(ctx.cluster),
          role: NCP_PRINCIPAL_ROLE,
          // NCP's objects stay NCP's: other users change them only with X-Allow-Overwrite
          is_protected: true,
          certificate_pem: cert.certPem,
          display_name: name,
          description: `viok cluster ${ctx.cluster}: NSX Container Plugin`,
          tags: nsxOwnerTags(ctx.cluster, PRINCIPAL_IDENTITY_KEY),
        });
        return await found(created, 'created');
      } catch (e) {
        // The 3.1 spec declares no 409 for this POST (only 400/403/404/412/500/503); the simulator answers
        // a duplicate name with 409 as the issue asks. Whatever the status, or a lost answer: look again.
        const now = await findPrincipalIdentity(nsx, ctx.cluster).catch(() => undefined);
        if (!now) throw e;
        await checkSameCertificate(nsx, now, cert);
        return found(now, 'found');
      }
    },
  };
}

/**
 * An identity of this name bound to a certificate the state does not hold cannot be handed to NCP
 * (its key is elsewhere): refuse rather than delete what might be another run's live identity.
 */
async function checkSameCertificate(
  nsx: NsxtClient,
  pi: Stored<PrincipalIdentity>,
  cert: CertificateAndKey,
): Promise<void> {
  const stored = pi.certificate_id
    ? await nsx.certificates.get(pi.certificate_id).catch((e: unknown) => {
        if (isNotFound(e)) return undefined;
        throw e;
      })
    : undefined;
  if (stored && samePem(stored.pem_encoded, cert.certPem)) return;
  throw new OperationError(
    `the NSX-T principal identity ${pi.name} (${pi.id}) is bound to a certificate this cluster's ` +
      `state does not hold, so its key cannot be given to NCP. Delete the identity and its ` +
      `certificate (DELETE /api/v1/trust-management/principal-identities/${pi.id}, then ` +
      `/api/v1/trust-management/certificates/${pi.certificate_id ?? '<certificate_id>'}), then run again`,
  );
}

/** The principal identity, its certificate and orphaned certificates of it: what deletePrincipalIdentity deletes. */
export async function findPrincipalIdentityObjects(
  nsx: NsxtClient,
  cluster: string,
): Promise<{ kind: 'principal-identity' | 'certificate'; id: string; name: string }[]> {
  const name = principalIdentityName(cluster);
  const pi = await findPrincipalIdentity(nsx, cluster);
  const orphans = await orphanCertificates(nsx, cluster);
  return [
    ...(pi ? [{ kind: 'principal-identity' as const, id: pi.id, name }] : []),
    ...(pi?.certificate_id ? [{ kind: 'certificate' as const, id: pi.certificate_id, name }] : []),
    ...orphans.map((c) => ({ kind: 'certificate' as const, id: c.id, name })),
  ];
}

/**
 * Removes the cluster's principal identity and its certificate, and any certificate of it an
 * interrupted run left; NotFound counts as done, so a re-run converges.
 */
export async function deletePrincipalIdentity(
  nsx: NsxtClient,
  cluster: string,
  progress?: ProgressSink,
): Promise<void> {
  const name = principalIdentityName(cluster);
  const pi = await findPrincipalIdentity(nsx, cluster);
  if (pi) {
    await ignoreNotFound(nsx.principalIdentities.delete(pi.id));
    if (pi.certificate_id) await ignoreNotFound(nsx.certificates.delete(pi.certificate_id));
    progress?.emit({ type: 'resource', key: `nsxt/principal-identity/${name}`, status: 'deleted' });
  }
  for (const orphan of await orphanCertificates(nsx, cluster)) {
    await ignoreNotFound(nsx.certificates.delete(orphan.id));
    progress?.emit({ type: 'resource', key: `nsxt/certificate/${orphan.id}`, status: 'deleted' });
  }
}
