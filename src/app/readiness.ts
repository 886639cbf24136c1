import { promises as fs } from 'node:fs';
import type * as Kube from '../kube';
import type { Readiness } from '../kube/readiness';
import { kubeconfigNames, kubeconfigToYaml, type Kubeconfig } from '../kubeconfig';
import type { ClusterOutputs } from '../provision/backend';
import type { RunContext } from './session';
import { provision } from './session';

export type { Readiness };

/** How long create and scale wait for Kubernetes by default (`--timeout`). */
export const DEFAULT_READY_TIMEOUT_MS = 20 * 60_000;

/** The flags of a run that waits for the cluster: the same on create and scale (and the library). */
export interface WaitOptions {
  /** Wait until /readyz answers ok and every node is Ready. @default true */
  wait?: boolean;
  /** How long to wait, in ms. @default 1200000 (20 min) */
  timeoutMs?: number;
}

/** The Kubernetes API client, loaded when a run waits (its library is large). */
function kube(): typeof Kube {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only a readiness wait needs it
  return require('../kube') as typeof Kube;
}

/**
 * After the servers are up: unless the cloud is simulated or `wait` is false, waits until the API
 * server answers `/readyz` through the kubeconfig viok delivered (its endpoint, CA and credentials)
 * and every node viok created (control plane and workers, not LB nodes) is Ready.
 */
export async function awaitReadiness(
  run: RunContext,
  o: WaitOptions & { simulated: boolean },
  c: {
    cluster: string;
    outputs: ClusterOutputs;
    /** The kubeconfig as delivered: the file written or merged into, else (stdout) the document itself. */
    kubeconfig: { file?: string; config: Kubeconfig };
    /** The command that waits again, for the timeout message. */
    retry: string;
  },
): Promise<Readiness> {
  if (o.simulated) return { status: 'simulated' };
  if (o.wait === false) return { status: 'not-waited' };
  const text =
    c.kubeconfig.file && c.kubeconfig.file !== '-'
      ? await fs.readFile(c.kubeconfig.file, 'utf8')
      : kubeconfigToYaml(c.kubeconfig.config);
  const k = kube();
  const api = k.kubeApiFromKubeconfig(text, kubeconfigNames(c.cluster).context);
  const expectedNodes = c.outputs.nodes.filter((n) => n.role !== 'lb').map((n) => n.name);
  const status = await k.waitForKubernetes({
    api,
    expectedNodes,
    clock: provision().systemClock,
    timeoutMs: o.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    progress: run.progress,
    signal: run.host.signal,
    cluster: c.cluster,
    retry: c.retry,
  });
  return { status: 'ready', nodes: status.ready };
}
