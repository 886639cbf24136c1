import type { Subnet } from '../../clients/neutron/subnets';
import type { ProvisionContext } from '../context';
import { findNeutron } from '../ensure-neutron';

/**
 * plan's look at a subnet viok made: a CIDR other than the spec's is a change Neutron cannot make in
 * place (a subnet's cidr is read-only), so the subnet, its network's ports and the servers on them
 * would be replaced; create leaves it as it is.
 */
export function subnetProbe(
  ctx: ProvisionContext,
  key: string,
  cidr: string,
  specField: string,
): () => Promise<{ exists: boolean; change?: string }> {
  return async () => {
    const found = await findNeutron<Subnet>(ctx, key, ctx.clients.neutron.subnets);
    if (!found) return { exists: false };
    return found.cidr === cidr
      ? { exists: true }
      : { exists: true, change: `${specField} ${found.cidr} → ${cidr} (replace)` };
  };
}
