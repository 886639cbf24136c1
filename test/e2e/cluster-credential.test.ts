/**
 * The cluster credential contract against a real cloud:
 * `VIOK_E2E_CLOUD=<clouds.yaml name> npx jest test/e2e/cluster-credential.test.ts` (or `npm run test:e2e`).
 * In CI the cloud is the OpenStack lab; a missing VIOK_E2E_CLOUD fails the run there.
 */
import { defineClusterCredentialContract } from '../helpers/cluster-credential-contract';
import { cloudsYamlTarget } from '../helpers/contract-target';

const cloudName = process.env.VIOK_E2E_CLOUD;

if (cloudName) {
  defineClusterCredentialContract(cloudsYamlTarget(cloudName));
} else if (process.env.CI) {
  test('VIOK_E2E_CLOUD names the cloud to run the cluster credential contract against', () => {
    throw new Error('VIOK_E2E_CLOUD is not set: in CI the e2e tier must run against the OpenStack lab');
  });
} else {
  test.skip('cluster credential contract against a real cloud (set VIOK_E2E_CLOUD=<clouds.yaml cloud name>)', () => {});
}
