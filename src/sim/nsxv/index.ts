/**
 * The NSX-V Manager API (`/api/4.0/edges`, XML, basic auth as `NSXV_SIM_USER` / `NSXV_SIM_PASSWORD`),
 * on its own HTTPS port: Edges mirrored from Neutron routers, their vnics, firewall and load balancer.
 */
import { InternalError } from '../../core/errors';
import type { Router } from '../framework';
import type { Sim, SimNeutronApi, SimService } from '../types';
import { registerEdges } from './edges';
import { notFound } from './errors';
import { registerFirewall } from './firewall';
import { registerLoadBalancer } from './loadbalancer';
import { NeutronMirror } from './neutron-mirror';
import { emptyState, type EdgeState, type NsxvState } from './state';

export { NSXV_SIM_PASSWORD, NSXV_SIM_USER } from './auth';
export type { NsxvState, EdgeState } from './state';

export class NsxvSim implements SimService {
  readonly name = 'nsxv' as const;
  readonly prefix = '';
  private data: NsxvState = emptyState();
  private readonly mirror: NeutronMirror;

  constructor(neutron: SimNeutronApi) {
    this.mirror = new NeutronMirror(() => this.data, neutron);
  }

  /** The live state, for tests that check the topology on the simulator's side. */
  get state(): NsxvState {
    return this.data;
  }

  /** The Edge backing a Neutron router. */
  edgeOfRouter(routerId: string): EdgeState | undefined {
    return this.data.edges.find((e) => e.routerId === routerId);
  }

  register(router: Router, sim: Sim): void {
    const findEdge = (id: string): EdgeState => {
      const edge = this.data.edges.find((e) => e.id === id);
      if (!edge) throw notFound(id);
      return edge;
    };
    const state = (): NsxvState => this.data;
    registerEdges(router, state, findEdge);
    registerLoadBalancer(router, findEdge);
    registerFirewall(router, state, findEdge);
    sim.events.on('router.created', ({ router: r }) => this.mirror.routerCreated(r));
    sim.events.on('router.deleted', ({ router: r }) => this.mirror.routerDeleted(r));
    sim.events.on('port.created', ({ port }) => this.mirror.portChanged(port));
    sim.events.on('port.updated', ({ port }) => this.mirror.portChanged(port));
    sim.events.on('port.deleted', ({ port }) => this.mirror.portDeleted(port));
  }

  /** Nothing to seed: Edges appear as Neutron routers do. */
  seed(): void {}

  snapshot(): unknown {
    return JSON.parse(JSON.stringify(this.data)) as unknown;
  }

  restore(data: unknown): void {
    const d = data as Partial<NsxvState> | null;
    if (!d || !Array.isArray(d.edges) || typeof d.nextEdge !== 'number') {
      throw new InternalError('nsxv state in the state file is not an NSX-V snapshot');
    }
    this.data = { ...emptyState(), ...d };
  }
}
