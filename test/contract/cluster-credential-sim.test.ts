/** The cluster credential contract against the in-process simulator (runs in `npm test`). */
import { defineClusterCredentialContract } from '../helpers/cluster-credential-contract';
import { simTarget } from '../helpers/contract-target';

defineClusterCredentialContract(simTarget());
