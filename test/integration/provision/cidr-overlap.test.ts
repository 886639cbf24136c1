/**
 * Issue 20, defect 14: an nsx-v internal network equal to the external 172.24.4.0/24 was created, and a
 * pod range equal to the provider network passed plan. Preflight compares the spec's ranges with the
 * subnets the nodes reach and refuses before anything is created.
 */
import path from 'node:path';
import { createCluster } from '../../../src/provision/create';
import { PreflightError } from '../../../src/provision/preflight';
import { loadValidSpec } from '../../../src/spec/validate';
import { repoRoot } from '../../helpers/cli';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('preflight: spec ranges against the cloud’s subnets (simulator)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('nsx-v: an internal network repeating the external subnet is refused, naming both; nothing is created', async () => {
    const spec = loadValidSpec(path.join(repoRoot, 'examples', 'nsx-v.yaml'));
    h = await startHarness({
      ...spec,
      spec: { ...spec.spec, networks: { ...spec.spec.networks, internal: { cidr: '172.24.4.0/24' } } },
    });
    const from = h.sim.requestLog.length;
    const err = await createCluster(h.createOptions()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightError);
    expect((err as PreflightError).exitCode).toBe(2);
    expect((err as Error).message).toContain(
      '/spec/networks/internal/cidr: 172.24.4.0/24 overlaps subnet public-subnet (172.24.4.0/24) of the external network "public"',
    );
    expect(h.mutations(from)).toEqual([]);
  });

  it('vds: a pod range equal to the provider network is refused by plan and create; the example spec passes', async () => {
    const base = vdsSpec();
    h = await startHarness({ ...base, spec: { ...base.spec, podCidr: '192.168.100.0/24' } });
    await expect(createCluster(h.createOptions({ dryRun: true }))).rejects.toThrow(
      /\/spec\/podCidr: 192\.168\.100\.0\/24 overlaps subnet .* \(192\.168\.100\.0\/24\) of the provider network "provider"/,
    );
    expect(h.mutations()).toEqual([]);
    // the same cloud with the example's ranges: created, and a re-run still passes its own preflight
    await createCluster(h.createOptions({ spec: base, wait: false }));
    await createCluster(h.createOptions({ spec: base, wait: false }));
  });
});
