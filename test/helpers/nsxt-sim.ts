import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHttpClient } from '../../src/clients/http/client';
import type { HttpClient } from '../../src/clients/http/types';
import { createNsxtClient, parseNsxtError, type NsxtClient } from '../../src/clients/nsxt';
import { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from '../../src/sim/nsxt';
import { loadValidSpec } from '../../src/spec/validate';
import type { ClusterSpec } from '../../src/spec/types';
import { repoRoot } from './cli';
import { startHarness, type Harness } from './provision-harness';

const noSleep = { now: () => Date.now(), sleep: async () => undefined };

type NsxtSection = NonNullable<ClusterSpec['spec']['nsxt']>;

/** examples/nsx-t.yaml with `controlPlane` and `workers` nodes, the NSX CA in `caFile`, and `nsxt` extras. */
export function smallNsxtSpec(
  caFile: string,
  counts: { controlPlane: number; workers: number },
  nsxt: Partial<NsxtSection> = {},
): ClusterSpec {
  const spec = loadValidSpec(path.join(repoRoot, 'examples', 'nsx-t.yaml'));
  const s = spec.spec;
  if (!s.nsxt) throw new Error('examples/nsx-t.yaml has no nsxt section');
  return {
    ...spec,
    spec: {
      ...s,
      controlPlane: { ...s.controlPlane, count: counts.controlPlane },
      workers: { ...s.workers, count: counts.workers },
      nsxt: { ...s.nsxt, caFile, ...nsxt },
    },
  };
}

/** The simulator harness for an nsx-t spec: the NSX CA written where the spec says, its manager the simulator's. */
export async function startNsxtHarness(
  spec: (caFile: string) => ClusterSpec,
): Promise<{ h: Harness; dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'viok-nsxt-'));
  const caFile = path.join(dir, 'nsx-ca.pem');
  const h = await startHarness(spec(caFile));
  writeFileSync(caFile, h.sim.caPem);
  (h.spec.spec.nsxt as { managers: string[] }).managers = [h.sim.urls.nsxt];
  return {
    h,
    dir,
    close: async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An NSX-T client of the simulator's manager (session auth, TLS verified); `wrap` sees every request. */
export function simNsxtClient(h: Harness, wrap: (http: HttpClient) => HttpClient = (x) => x): NsxtClient {
  const http = createHttpClient({
    service: 'nsxt',
    baseUrl: h.sim.urls.nsxt,
    parseError: parseNsxtError,
    clock: noSleep,
    tls: { verify: true, cacert: h.sim.caPem },
  });
  return createNsxtClient(wrap(http), {
    auth: { type: 'session', username: NSXT_SIM_USER, password: NSXT_SIM_PASSWORD },
    clock: noSleep,
  });
}
