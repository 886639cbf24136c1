import { OperationError } from '../core/errors';
import { clusterTag } from '../core/names';
import { waitFor } from '../core/wait';
import { isConflict, isNotFound } from '../clients/http/errors';
import type { Server } from '../clients/nova/servers';
import { novaTime } from '../clients/nova/time';
import type { PlannedNode } from './backend';
import type { ProvisionContext, Timing } from './context';

/** A node whose server ended in ERROR, with Nova's own words for why. */
export interface FailedNode {
  node: PlannedNode;
  serverId: string;
  fault: string;
}

/**
 * Status polls start this soon and grow this slowly: the pause stays near a tenth of the time waited so
 * far, so the last server is seen ACTIVE within about 5% of when it became so (a doubling backoff can
 * overshoot by the whole wait), while the number of polls still grows with time, not node count.
 */
export const FIRST_STATUS_POLL_MS = 500;
export const STATUS_POLL_GROWTH = 1.1;
/**
 * While servers build, no pause is longer than 5% of the wait so far: ACTIVE is seen about 2% after
 * it happens (0.4 s of a 20 s build, 3.5 s of 3 minutes), for one cluster-wide list per pause (about
 * 45 over 20 s, 105 over 3 minutes; growth alone: 21 and 44, seeing ACTIVE 1.2 s and 6 s late).
 */
export const ACTIVE_POLL_ELAPSED_FRACTION = 0.05;

/**
 * Between two whole lists, a poll asks only for the servers changed since the previous poll, by Nova's
 * clock (its `Date` header; without one, the newest `updated` seen) less this margin: a change
 * committed a moment after the list that missed it carries a time a little before that list, and
 * Nova's times have whole seconds.
 */
export const CHANGES_SINCE_MARGIN_MS = 2000;
/** Every this many polls, the cluster's servers are listed whole (whatever a changes-since list missed). */
export const FULL_STATUS_LIST_EVERY = 10;

/**
 * Waits until every node's server is ACTIVE or one is in ERROR, with one `GET /servers/detail` per
 * interval for the whole cluster (filtered by its tag), never one call per server. The first list is
 * whole; the next ones carry `changes-since` (see CHANGES_SINCE_MARGIN_MS), so a poll returns the few
 * servers that changed, not every server with its user data (an admin sees each one's, up to 64 KiB):
 * at 3+100, megabytes per poll otherwise.
 */
export async function waitForServers(
  ctx: ProvisionContext,
  nodes: readonly PlannedNode[],
  timing: Timing,
): Promise<FailedNode[]> {
  const last = new Map<string, string>();
  const byId = new Map<string, Server>();
  let previous: number | undefined;
  /** The newest `updated` seen: the previous poll's time when Nova sends no Date (uwsgi alone). */
  let newest: number | undefined;
  let polls = 0;
  return waitFor(
    async () => {
      const since = polls % FULL_STATUS_LIST_EVERY === 0 ? undefined : previous;
      polls++;
      const { servers, serverTime } = await ctx.clients.nova.servers.listAt({
        tags: [clusterTag(ctx.cluster)],
        ...(since === undefined
          ? {}
          : { extra: { 'changes-since': novaTime(since - CHANGES_SINCE_MARGIN_MS) } }),
        signal: ctx.signal,
      });
      if (since === undefined) byId.clear();
      for (const s of servers) {
        // a changes-since list shows deleted servers too: gone, as if not listed
        if (s.status === 'DELETED' || s.status === 'SOFT_DELETED') byId.delete(s.id);
        else byId.set(s.id, s);
        const updated = Date.parse(s.updated);
        if (Number.isFinite(updated) && (newest === undefined || updated > newest)) newest = updated;
      }
      previous = serverTime ?? newest;
      const failed: FailedNode[] = [];
      let active = 0;
      for (const node of nodes) {
        const id = ctx.recorder.id(node.serverKey);
        const s: Server | undefined = id ? byId.get(id) : undefined;
        const status = s?.status ?? 'MISSING';
        if (last.get(node.name) !== status) {
          last.set(node.name, status);
          ctx.progress.emit({
            type: 'node',
            node: node.name,
            status,
            ...(s?.fault ? { message: s.fault.message } : {}),
          });
        }
        if (status === 'ACTIVE') active++;
        else if (status === 'ERROR' && s)
          failed.push({ node, serverId: s.id, fault: s.fault?.message ?? 'no fault message from Nova' });
      }
      if (failed.length > 0) return failed;
      await refuseDeletedServers(ctx, nodes, byId);
      return active === nodes.length ? [] : undefined;
    },
    {
      clock: ctx.clock,
      description: `${nodes.length} servers to become ACTIVE`,
      timeoutMs: timing.serverBootMs,
      initialDelayMs: Math.min(timing.pollMs, FIRST_STATUS_POLL_MS),
      maxDelayMs: timing.maxPollMs,
      growth: STATUS_POLL_GROWTH,
      maxElapsedFraction: ACTIVE_POLL_ELAPSED_FRACTION,
      signal: ctx.signal,
    },
  );
}

/**
 * A recorded server missing from the tag listing is looked up by id: one Nova no longer has (404, or
 * DELETED) was deleted while this run waited (a `viok delete` of the cluster from another state, or
 * someone in the cloud). Waiting on would only time out: stop, say which, and how to go on.
 */
async function refuseDeletedServers(
  ctx: ProvisionContext,
  nodes: readonly PlannedNode[],
  listed: ReadonlyMap<string, Server>,
): Promise<void> {
  for (const node of nodes) {
    const id = ctx.recorder.id(node.serverKey);
    if (!id || listed.has(id)) continue;
    const status = await ctx.clients.nova.servers.get(id, ctx.signal).then(
      (s) => s.status,
      (e: unknown) => {
        if (isNotFound(e)) return 'DELETED';
        throw e;
      },
    );
    if (status === 'DELETED' || status === 'SOFT_DELETED')
      throw new OperationError(
        `server ${node.name} (${id}) was deleted while create waited for it (a viok delete of cluster ${ctx.cluster} ` +
          `from another state, or someone in the cloud); nothing else was changed: run viok create cluster ${ctx.cluster} ` +
          `again to make it anew, or viok delete cluster ${ctx.cluster} to remove the rest`,
      );
  }
}

/**
 * Removes a failed node's server and its ports (the ports a failed boot leaves behind are what other
 * tools leak), and forgets them, so the next graph run creates them afresh.
 */
export async function removeFailedNode(
  ctx: ProvisionContext,
  failed: FailedNode,
  timing: Timing,
): Promise<void> {
  const { nova, neutron } = ctx.clients;
  await ignoreNotFound(nova.servers.delete(failed.serverId));
  await waitServersDeleted(ctx, [failed.serverId], `server ${failed.node.name}`, timing);
  await ctx.recorder.forget(failed.node.serverKey);
  for (const key of failed.node.portKeys) {
    const id = ctx.recorder.id(key);
    if (id) await deleteWithRetry(ctx, `port ${key}`, () => neutron.ports.delete(id, ctx.signal), timing);
    await ctx.recorder.forget(key);
  }
}

/** Waits until Nova shows each server DELETED or no longer has it (after a delete request). */
export async function waitServersDeleted(
  ctx: Pick<ProvisionContext, 'clock' | 'signal' | 'clients'>,
  ids: readonly string[],
  what: string,
  timing: Timing,
): Promise<void> {
  await waitFor(
    async () => {
      for (const id of ids) {
        try {
          const s = await ctx.clients.nova.servers.get(id, ctx.signal);
          if (s.status !== 'DELETED') return undefined;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      return true;
    },
    {
      clock: ctx.clock,
      description: `${what} to be deleted`,
      timeoutMs: timing.deleteMs,
      initialDelayMs: timing.pollMs,
      maxDelayMs: timing.maxPollMs,
      signal: ctx.signal,
    },
  );
}

/** Deletes, retrying while the cloud answers 409 (still in use); NotFound means done. */
export async function deleteWithRetry(
  ctx: Pick<ProvisionContext, 'clock' | 'signal'>,
  what: string,
  del: () => Promise<unknown>,
  timing: Timing,
): Promise<void> {
  await waitFor(
    async () => {
      try {
        await del();
        return true;
      } catch (e) {
        if (isNotFound(e)) return true;
        if (isConflict(e)) return undefined;
        throw e;
      }
    },
    {
      clock: ctx.clock,
      description: `${what} to be deleted (it is still in use)`,
      timeoutMs: timing.deleteMs,
      initialDelayMs: timing.pollMs,
      maxDelayMs: timing.maxPollMs,
      signal: ctx.signal,
    },
  );
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
