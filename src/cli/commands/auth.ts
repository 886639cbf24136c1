import type * as App from '../../app';
import { ExitCode } from '../../core/errors';
import { hostOf } from '../run-host';
import type { Register } from './index';

/** `viok auth token`: the exec credential plugin a `viok get kubeconfig --keystone` kubeconfig runs. */
export const register: Register = (program, act) => {
  const auth = program.command('auth').description('sign in to a cluster with your Keystone identity');
  auth
    .command('token')
    .description('print a Keystone token as a kubectl ExecCredential (kubectl runs this itself)')
    .option('--os-cloud <name>', 'cloud from clouds.yaml (beats OS_CLOUD)')
    .addHelpText(
      'after',
      `
kubectl runs this as the exec credential plugin of a kubeconfig from viok get kubeconfig NAME --keystone,
with the apiVersion it asks for in KUBERNETES_EXEC_INFO. The cloud is found as the openstack client finds
it: --os-cloud, OS_CLOUD, the OS_* variables, the only cloud in clouds.yaml; password, application
credential and token auth all work. The token goes to stdout only.
Examples:
  $ viok get kubeconfig demo --keystone --file demo-keystone.kubeconfig
  $ KUBECONFIG=demo-keystone.kubeconfig kubectl get nodes
  $ viok auth token --os-cloud mycloud | jq -r .status.expirationTimestamp`,
    )
    .action(
      act(async (ctx, ...args) => {
        const flags = args[0] as { osCloud?: string };
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app') as typeof App;
        const credential = await app.runAuthToken(flags, hostOf(ctx));
        ctx.out.result(JSON.stringify(credential));
        return ExitCode.ok;
      }),
    );
};
