import { UserInputError } from '../../../core/errors';
import type { Network } from '../../../clients/neutron/networks';
import type { Subnet } from '../../../clients/neutron/subnets';
import type { ProvisionContext } from '../../context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The external management network (router gateway, VIP), and the subnet the spec names, if any. */
export interface ExternalNetwork {
  network: Network;
  subnet?: Subnet;
}

/**
 * Looks up spec.networks.externalManagement once (by id or name; it must be external). The user's
 * network: used, never tagged or deleted.
 */
export function externalNetworkLookup(
  ctx: ProvisionContext,
  ref: { name: string; subnet?: string },
): () => Promise<ExternalNetwork> {
  let cached: Promise<ExternalNetwork> | undefined;
  const lookup = async (): Promise<ExternalNetwork> => {
    const { neutron } = ctx.clients;
    const byId = UUID.test(ref.name)
      ? await neutron.networks.list({ filters: { id: ref.name }, signal: ctx.signal })
      : [];
    const candidates =
      byId.length > 0
        ? byId
        : await neutron.networks.list({ filters: { name: ref.name }, signal: ctx.signal });
    const external = candidates.filter((n) => n['router:external'] === true);
    if (external.length === 0)
      throw new UserInputError(
        `spec.networks.externalManagement: no external network "${ref.name}" visible to this project` +
          (candidates.length > 0 ? ' (a network of that name exists, but it is not router:external)' : ''),
      );
    if (external.length > 1)
      throw new UserInputError(
        `spec.networks.externalManagement: ${external.length} external networks are named "${ref.name}" (${external.map((n) => n.id).join(', ')}); use the id`,
      );
    const network = external[0] as Network;
    if (!ref.subnet) return { network };
    const subnets = await neutron.subnets.list({ filters: { network_id: network.id }, signal: ctx.signal });
    const subnet = subnets.find((s) => s.id === ref.subnet || s.name === ref.subnet);
    if (!subnet)
      throw new UserInputError(
        `spec.networks.externalManagement: network "${ref.name}" has no subnet "${ref.subnet}"`,
      );
    return { network, subnet };
  };
  return () => {
    cached ??= lookup().catch((e: unknown) => {
      cached = undefined;
      throw e;
    });
    return cached;
  };
}
