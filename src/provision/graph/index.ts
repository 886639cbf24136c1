/** `viok graph`: a cluster's topology gathered from the cloud and drawn as Mermaid or Graphviz DOT. */
export { gatherTopology } from './gather';
export { topologyToDot } from './dot';
export { topologyToMermaid } from './mermaid';
export type { Topology, TopologyNetwork, TopologyNic, TopologyNode, TopologyRouter } from './topology';
export { dotToSvg } from './svg';
