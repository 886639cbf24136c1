/** The OpenStack contract suite against the in-process simulator (runs in `npm test`). */
import { defineOpenStackContract } from '../helpers/openstack-contract';
import { simTarget } from '../helpers/contract-target';

defineOpenStackContract(simTarget());
