/**
 * Neutron's in-memory state with the indexes the hot paths need: ports by network and by device,
 * IP allocations by subnet, rules by security group and per-project counts for quotas. Every
 * lookup a request makes is a map access, so large states (thousands of ports) stay fast.
 */
import type {
  FloatingIp,
  Network,
  NeutronSnapshot,
  Port,
  QuotaLimits,
  QuotaResource,
  Router,
  SecurityGroup,
  SecurityGroupRule,
  StandardAttrs,
  Subnet,
} from './model';

/** A keyed collection in creation order that also counts items per project. */
export class Collection<T extends StandardAttrs> {
  private readonly items = new Map<string, T>();
  private readonly perProject = new Map<string, number>();
  /** Creation sequence, so index lookups can be returned in creation order. */
  private readonly sequence = new Map<string, number>();
  private counter = 0;

  get(id: string): T | undefined {
    return this.items.get(id);
  }
  values(): IterableIterator<T> {
    return this.items.values();
  }
  get size(): number {
    return this.items.size;
  }
  add(item: T): void {
    this.items.set(item.id, item);
    this.sequence.set(item.id, this.counter++);
    this.perProject.set(item.project_id, this.countFor(item.project_id) + 1);
  }
  remove(id: string): T | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    this.items.delete(id);
    this.sequence.delete(id);
    this.perProject.set(item.project_id, this.countFor(item.project_id) - 1);
    return item;
  }
  countFor(projectId: string): number {
    return this.perProject.get(projectId) ?? 0;
  }
  /** Position in creation order. */
  order(id: string): number {
    return this.sequence.get(id) ?? Number.MAX_SAFE_INTEGER;
  }
  clear(): void {
    this.items.clear();
    this.sequence.clear();
    this.perProject.clear();
  }
}

function addToIndex(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(id);
}

function removeFromIndex(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}

export class NeutronStore {
  readonly networks = new Collection<Network>();
  readonly subnets = new Collection<Subnet>();
  readonly ports = new Collection<Port>();
  readonly routers = new Collection<Router>();
  readonly floatingips = new Collection<FloatingIp>();
  readonly securityGroups = new Collection<SecurityGroup>();
  readonly securityGroupRules = new Collection<SecurityGroupRule>();
  /** Project id → the limits set with `PUT /quotas/{project}` (defaults fill the rest). */
  readonly quotas = new Map<string, Partial<QuotaLimits>>();
  /** Next segmentation id handed to a tenant (vxlan) network. */
  nextSegmentationId = 1001;

  private readonly portsByNetwork = new Map<string, Set<string>>();
  private readonly portsByDevice = new Map<string, Set<string>>();
  private readonly rulesByGroup = new Map<string, Set<string>>();
  /** Subnet id → (IP address text → owning port id). */
  private readonly ipsBySubnet = new Map<string, Map<string, string>>();
  /** Subnet id → where the next free-address search starts, so allocation stays O(1) amortised. */
  readonly allocationCursor = new Map<string, bigint>();

  addPort(port: Port): void {
    this.ports.add(port);
    this.indexPort(port);
  }

  removePort(id: string): Port | undefined {
    const port = this.ports.remove(id);
    if (port) this.unindexPort(port);
    return port;
  }

  /** Applies a change that may touch indexed fields (device_id, fixed_ips). */
  changePort(port: Port, change: (p: Port) => void): void {
    this.unindexPort(port);
    try {
      change(port);
    } finally {
      this.indexPort(port);
    }
  }

  private indexPort(port: Port): void {
    addToIndex(this.portsByNetwork, port.network_id, port.id);
    if (port.device_id) addToIndex(this.portsByDevice, port.device_id, port.id);
    for (const ip of port.fixed_ips) this.allocations(ip.subnet_id).set(ip.ip_address, port.id);
  }

  private unindexPort(port: Port): void {
    removeFromIndex(this.portsByNetwork, port.network_id, port.id);
    if (port.device_id) removeFromIndex(this.portsByDevice, port.device_id, port.id);
    for (const ip of port.fixed_ips) {
      const map = this.ipsBySubnet.get(ip.subnet_id);
      if (map?.get(ip.ip_address) === port.id) map.delete(ip.ip_address);
    }
  }

  /** Ports on the network, in creation order. */
  portsOfNetwork(networkId: string): Port[] {
    return this.resolve(this.portsByNetwork.get(networkId)).sort(
      (a, b) => this.ports.order(a.id) - this.ports.order(b.id),
    );
  }

  /** Ports whose device_id is `deviceId`, in creation order. */
  portsOfDevice(deviceId: string): Port[] {
    return this.resolve(this.portsByDevice.get(deviceId)).sort(
      (a, b) => this.ports.order(a.id) - this.ports.order(b.id),
    );
  }

  /** IP address → port id for one subnet (live map; callers must not mutate it). */
  allocations(subnetId: string): Map<string, string> {
    let map = this.ipsBySubnet.get(subnetId);
    if (!map) this.ipsBySubnet.set(subnetId, (map = new Map()));
    return map;
  }

  dropSubnetAllocations(subnetId: string): void {
    this.ipsBySubnet.delete(subnetId);
    this.allocationCursor.delete(subnetId);
  }

  addRule(rule: SecurityGroupRule): void {
    this.securityGroupRules.add(rule);
    addToIndex(this.rulesByGroup, rule.security_group_id, rule.id);
  }

  removeRule(id: string): SecurityGroupRule | undefined {
    const rule = this.securityGroupRules.remove(id);
    if (rule) removeFromIndex(this.rulesByGroup, rule.security_group_id, rule.id);
    return rule;
  }

  rulesOfGroup(groupId: string): SecurityGroupRule[] {
    const ids = this.rulesByGroup.get(groupId);
    if (!ids) return [];
    const out: SecurityGroupRule[] = [];
    for (const id of ids) {
      const rule = this.securityGroupRules.get(id);
      if (rule) out.push(rule);
    }
    return out;
  }

  /** Resources a project holds, by quota name. */
  used(projectId: string, resource: QuotaResource): number {
    switch (resource) {
      case 'network':
        return this.networks.countFor(projectId);
      case 'subnet':
        return this.subnets.countFor(projectId);
      case 'port':
        return this.ports.countFor(projectId);
      case 'router':
        return this.routers.countFor(projectId);
      case 'floatingip':
        return this.floatingips.countFor(projectId);
      case 'security_group':
        return this.securityGroups.countFor(projectId);
      case 'security_group_rule':
        return this.securityGroupRules.countFor(projectId);
      default:
        return 0;
    }
  }

  private resolve(ids: Set<string> | undefined): Port[] {
    if (!ids) return [];
    const out: Port[] = [];
    for (const id of ids) {
      const port = this.ports.get(id);
      if (port) out.push(port);
    }
    return out;
  }

  snapshot(): NeutronSnapshot {
    return JSON.parse(
      JSON.stringify({
        networks: [...this.networks.values()],
        subnets: [...this.subnets.values()],
        ports: [...this.ports.values()],
        routers: [...this.routers.values()],
        floatingips: [...this.floatingips.values()],
        security_groups: [...this.securityGroups.values()],
        security_group_rules: [...this.securityGroupRules.values()],
        quotas: Object.fromEntries(this.quotas),
        nextSegmentationId: this.nextSegmentationId,
      }),
    ) as NeutronSnapshot;
  }

  restore(data: NeutronSnapshot): void {
    for (const c of [
      this.networks,
      this.subnets,
      this.ports,
      this.routers,
      this.floatingips,
      this.securityGroups,
      this.securityGroupRules,
    ])
      c.clear();
    this.portsByNetwork.clear();
    this.portsByDevice.clear();
    this.rulesByGroup.clear();
    this.ipsBySubnet.clear();
    this.allocationCursor.clear();
    this.quotas.clear();
    const copy = JSON.parse(JSON.stringify(data)) as NeutronSnapshot;
    copy.networks.forEach((n) => this.networks.add(n));
    copy.subnets.forEach((s) => this.subnets.add(s));
    copy.ports.forEach((p) => this.addPort(p));
    copy.routers.forEach((r) => this.routers.add(r));
    copy.floatingips.forEach((f) => this.floatingips.add(f));
    copy.security_groups.forEach((g) => this.securityGroups.add(g));
    copy.security_group_rules.forEach((r) => this.addRule(r));
    for (const [project, limits] of Object.entries(copy.quotas)) this.quotas.set(project, limits);
    this.nextSegmentationId = copy.nextSegmentationId;
  }
}
