/**
 * The cluster credential contract against a real cloud:
 * `VIOK_E2E_CLOUD=<clouds.yaml name> npx jest test/e2e/cluster-credential.test.ts` (or `npm run test:e2e`).
 * In CI the cloud is the OpenStack lab; a missing VIOK_E2E_CLOUD fails the run there.
 */
import { defineClusterCredentialContract } from '../helpers/cluster-credential-contract';
import { cloudsYamlTarget } from '../helpers/contract-target';

const cloudName = process.env.VIOK_E2E_CLOUD;

if (cloudName) {
  // the OpenStack lab's services run keystonemiddleware without service_type (its neutron-server log:
  // "Cannot validate request with restricted access rules"): calls with rules are refused there.
  // VIOK_E2E_RULES_VALIDATED=1 for a cloud that sets it.
  defineClusterCredentialContract(cloudsYamlTarget(cloudName), {
    rulesValidated: process.env.VIOK_E2E_RULES_VALIDATED === '1',
  });
} else if (process.env.CI) {
  test('VIOK_E2E_CLOUD names the cloud to run the cluster credential contract against', () => {
    throw new Error('VIOK_E2E_CLOUD is not set: in CI the e2e tier must run against the OpenStack lab');
  });
} else {
  test.skip('cluster credential contract against a real cloud (set VIOK_E2E_CLOUD=<clouds.yaml cloud name>)', () => {});
}
