import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey, createSign, createVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import {
  adminGroupFor,
  bootstrapTokenId,
  bootstrapTokenPattern,
  caCertHash,
  generateBootstrapToken,
  generateClusterPki,
  isClusterPki,
  issueApiServerCert,
  kubernetesServiceIp,
} from '../../../src/pki';
import type { ClusterPki } from '../../../src/pki';
import { itNeeding } from '../../helpers/programs';

const now = new Date('2026-01-15T12:00:00Z');
const day = 24 * 60 * 60 * 1000;
let pki: ClusterPki;

beforeAll(async () => {
  pki = await generateClusterPki({ kubernetesVersion: '1.31.4', now });
});

describe('cluster CAs', () => {
  it.each([
    ['ca', 'CN=kubernetes'],
    ['frontProxyCa', 'CN=front-proxy-ca'],
    ['etcdCa', 'CN=etcd-ca'],
  ] as const)('%s is a self-signed CA valid for ten years', (field, subject) => {
    const cert = new X509Certificate(pki[field].certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe(subject.replace(', ', '\n'));
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(now.getTime());
    expect(new Date(cert.validTo).getTime()).toBeGreaterThanOrEqual(now.getTime() + 3649 * day);
    // The key in the record is the certificate's key.
    expect(createPublicKey(pki[field].keyPem).export({ format: 'pem', type: 'spki' })).toBe(
      cert.publicKey.export({ format: 'pem', type: 'spki' }),
    );
    const parsed = new x509.X509Certificate(pki[field].certPem);
    const bc = parsed.getExtension(x509.BasicConstraintsExtension);
    expect(bc?.ca).toBe(true);
    expect(bc?.critical).toBe(true);
    const ku = parsed.getExtension(x509.KeyUsagesExtension);
    expect(ku && ku.usages & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(ku?.critical).toBe(true);
  });

  it('writes PEM files that end with a newline', () => {
    for (const pem of [pki.ca.certPem, pki.admin.certPem, pki.ca.keyPem, pki.serviceAccount.publicKeyPem]) {
      expect(pem).toMatch(/-----\n$/);
    }
  });

  it('uses RSA 2048 keys in PKCS#1 PEM, the form kubeadm writes', () => {
    expect(pki.ca.keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(createPrivateKey(pki.ca.keyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('gives each CA its own key', () => {
    expect(new Set([pki.ca.keyPem, pki.frontProxyCa.keyPem, pki.etcdCa.keyPem]).size).toBe(3);
  });
});

describe('admin client certificate', () => {
  it('is a client certificate for kubernetes-admin signed by the cluster CA', () => {
    const cert = new X509Certificate(pki.admin.certPem);
    const ca = new X509Certificate(pki.ca.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.subject).toBe('O=kubeadm:cluster-admins\nCN=kubernetes-admin');
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    const ku = new x509.X509Certificate(pki.admin.certPem).getExtension(x509.KeyUsagesExtension);
    expect(ku?.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThanOrEqual(now.getTime() + 364 * day);
  });

  it('picks the group by the kubeadm version', () => {
    expect(adminGroupFor('1.28.9')).toBe('system:masters');
    expect(adminGroupFor('v1.29.0')).toBe('kubeadm:cluster-admins');
    expect(adminGroupFor('1.33.1')).toBe('kubeadm:cluster-admins');
  });
});

describe('service-account key pair', () => {
  it('is a matching RSA pair: what sa.key signs, sa.pub verifies', () => {
    const sign = createSign('sha256').update('token');
    const sig = sign.sign(pki.serviceAccount.privateKeyPem);
    expect(createVerify('sha256').update('token').verify(pki.serviceAccount.publicKeyPem, sig)).toBe(true);
    expect(pki.serviceAccount.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });
});

describe('bootstrap token', () => {
  it('has the format kubeadm accepts and is different every time', () => {
    expect(pki.bootstrapToken).toMatch(bootstrapTokenPattern);
    const many = new Set(Array.from({ length: 200 }, generateBootstrapToken));
    expect(many.size).toBe(200);
    for (const t of many) expect(t).toMatch(bootstrapTokenPattern);
  });

  it('exposes only the id as the public part', () => {
    expect(bootstrapTokenId('abcdef.0123456789abcdef')).toBe('abcdef');
    expect(() => bootstrapTokenId('ABCDEF.0123456789abcdef')).toThrow();
  });
});

describe('CA public-key hash', () => {
  it('is sha256 over the DER SubjectPublicKeyInfo', () => {
    expect(pki.caCertHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pki.caCertHash).toBe(caCertHash(pki.ca.certPem));
  });

  itNeeding({ program: 'openssl', probe: ['version'], install: 'apt-get install -y openssl' })(
    'matches the openssl pipeline kubeadm documents',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'viok-pki-'));
      const file = join(dir, 'ca.crt');
      writeFileSync(file, pki.ca.certPem);
      const out = execFileSync(
        'sh',
        ['-c', `openssl x509 -pubkey -in "${file}" | openssl pkey -pubin -outform der | sha256sum`],
        { encoding: 'utf8' },
      );
      rmSync(dir, { recursive: true, force: true });
      expect(pki.caCertHash).toBe(`sha256:${out.split(' ')[0]}`);
    },
  );
});

describe('API server certificate', () => {
  it('carries the SANs clients use and chains to the cluster CA', async () => {
    const pem = await issueApiServerCert(pki, {
      endpointHost: '192.0.2.10',
      serviceCidr: '10.96.0.0/12',
      extraSans: ['api.example.com', '127.0.0.1'],
      now,
    });
    const cert = new X509Certificate(pem.certPem);
    expect(cert.checkIssued(new X509Certificate(pki.ca.certPem))).toBe(true);
    expect(cert.checkHost('kubernetes.default.svc.cluster.local')).toBe(
      'kubernetes.default.svc.cluster.local',
    );
    expect(cert.checkHost('api.example.com')).toBe('api.example.com');
    expect(cert.checkIP('192.0.2.10')).toBe('192.0.2.10');
    expect(cert.checkIP('10.96.0.1')).toBe('10.96.0.1');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('192.0.2.11')).toBeUndefined();
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it.each([
    ['10.96.0.0/12', '10.96.0.1'],
    ['172.30.255.0/24', '172.30.255.1'],
    ['fd00:10:96::/108', 'fd00:10:96::1'],
  ])('the kubernetes Service IP of %s is %s', (cidr, ip) => {
    expect(kubernetesServiceIp(cidr)).toBe(ip);
  });
});

describe('ClusterPki record', () => {
  it('survives a JSON round trip through the state store', () => {
    const back: unknown = JSON.parse(JSON.stringify(pki));
    expect(isClusterPki(back)).toBe(true);
    expect(back).toEqual(pki);
    expect(isClusterPki({ ...pki, version: 2 })).toBe(false);
    expect(isClusterPki({ ...pki, ca: { certPem: 'x' } })).toBe(false);
  });
});
