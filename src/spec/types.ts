/** The spec's types, generated from schemas/cluster.schema.json (see scripts/gen-types.js). */
import type { Cluster } from './cluster.generated';

export type * from './cluster.generated';
/** A whole spec document: apiVersion, kind, metadata and spec. */
export type ClusterSpec = Cluster;
/** One of the three networking backends. */
export type Backend = Cluster['spec']['backend'];
