import { keystoneKubeconfig } from '../kubeconfig/exec-credential';
import { UserInputError } from '../core/errors';
import type { ClusterDescription } from '../provision/discover';
import type { Topology } from '../provision/topology/types';
import type { CloudOptions, RunHost } from './host';
import { deliverKubeconfig, type KubeconfigTarget, type KubeconfigWritten } from './kubeconfig';
import { provision, runContext, withCloud } from './session';

/** `viok describe cluster NAME`: nodes, addresses, floating IPs, load balancer and endpoint, from the cloud. */
export async function runDescribe(
  o: CloudOptions & { name: string },
  host: RunHost,
): Promise<ClusterDescription> {
  const p = provision();
  const run = runContext(host, o, o.name);
  const state = await run.store.read(o.name);
  // no --os-cloud or OS_CLOUD: the cloud the cluster was created in
  return withCloud(run, o, state ? { state } : {}, (session) =>
    p.describeCluster(session.clients, o.name, state, host.signal, { bootstrap: true }),
  );
}

/** `viok get kubeconfig NAME`: the admin kubeconfig from local state, to stdout unless a file is asked for. */
export async function runGetKubeconfig(
  o: Pick<CloudOptions, 'state' | 'stateDir' | 'osCloud'> & {
    name: string;
    /** The Keystone sign-in kubeconfig (exec `viok auth token`) instead of the admin's. */
    keystone?: boolean;
  } & KubeconfigTarget,
  host: RunHost,
): Promise<KubeconfigWritten> {
  const p = provision();
  const run = runContext(host, o, o.name);
  // flags first: a wrong combination is named whatever the state holds
  if (o.merge && o.file) throw new UserInputError('--merge-kubeconfig and --file: choose one');
  if (o.keystone && o.merge)
    throw new UserInputError(
      "--keystone with --merge-kubeconfig: the Keystone kubeconfig is for the cluster's users, not the operator's own file (it would replace the admin context); write it with --file or to stdout",
    );
  if (!o.keystone && o.osCloud)
    throw new UserInputError('--os-cloud names the cloud of a --keystone kubeconfig; add --keystone');
  const state = await run.store.read(o.name);
  const admin = p.kubeconfigFromState(state, o.name, run.store.location);
  // the users' cloud: as asked, else the one the cluster was made in (their clouds.yaml may name it alike)
  const config = o.keystone ? keystoneKubeconfig(admin, o.name, o.osCloud ?? state?.cloud) : admin;
  return deliverKubeconfig(
    config,
    o.name,
    { ...o, file: o.merge ? undefined : (o.file ?? '-') } as KubeconfigTarget,
    {
      cwd: host.cwd,
      env: host.env,
      homeDir: p.homeDir(host.env),
      store: run.store,
      write: (text) => host.out.result(text),
    },
  );
}

/** `viok graph NAME`: the cluster's topology (networks, routers, NICs, floating IPs, VIP) from the cloud. */
export async function runTopology(o: CloudOptions & { name: string }, host: RunHost): Promise<Topology> {
  const p = provision();
  const run = runContext(host, o, o.name);
  const state = await run.store.read(o.name);
  return withCloud(run, o, state ? { state } : {}, (session) =>
    p.gatherTopology(session.clients, o.name, state, host.signal),
  );
}
