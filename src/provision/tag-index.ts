/**
 * The cluster's tagged objects, one list per collection (Neutron ports, Nova servers, ...), taken
 * once and shared by every look-up of a plan and of the create that follows it. Without it each
 * resource is looked up by its own tags twice (the plan's probe, then the ensure): about three
 * reads per port at 3+100. A snapshot: it holds for the plan and the first pass of the apply, under
 * the cluster's lock, and is dropped before anything of the cluster is deleted and made again (a
 * server in ERROR); a look-up after a lost answer bypasses it.
 */
export class ClusterTagIndex {
  private readonly lists = new Map<object, Promise<readonly unknown[]>>();
  private readonly untaggedLists = new Map<object, Promise<readonly unknown[]>>();

  /** The collection's objects with the cluster's tag, listed by `list` on the first call only. */
  of<T>(collection: object, list: () => Promise<T[]>): Promise<readonly T[]> {
    return once(this.lists, collection, list);
  }

  /**
   * The project's objects of the collection that may be a create's untagged leftover (names and tags
   * only), listed by `list` on the first call only: one read per collection for what a killed run may
   * have left, not one per resource (315 per-port reads at nsx-t 3+100). Leftovers are an earlier
   * run's: none appears during this run, which holds the cluster's lock.
   */
  untagged<T>(collection: object, list: () => Promise<T[]>): Promise<readonly T[]> {
    return once(this.untaggedLists, collection, list);
  }
}

function once<T>(
  lists: Map<object, Promise<readonly unknown[]>>,
  collection: object,
  list: () => Promise<T[]>,
): Promise<readonly T[]> {
  let listed = lists.get(collection);
  if (!listed) {
    listed = list();
    lists.set(collection, listed);
    // a failed list (an outage, Ctrl-C) is not remembered: the next look-up lists again
    listed.catch(() => lists.delete(collection));
  }
  return listed as Promise<readonly T[]>;
}
