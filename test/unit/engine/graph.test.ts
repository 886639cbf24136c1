import { executeGraph, topologicalOrder, GraphError, type Resource } from '../../../src/engine/graph';
import { AbortError, InternalError } from '../../../src/core/errors';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function resource(
  key: string,
  dependsOn: string[] = [],
  service = 'neutron',
  body?: () => Promise<void>,
): Resource {
  return {
    key,
    service,
    dependsOn,
    async ensure() {
      await body?.();
      return { id: `id-${key}`, action: 'created' };
    },
  };
}

describe('topologicalOrder', () => {
  it('orders dependencies first', () => {
    const order = topologicalOrder([
      resource('server', ['port']),
      resource('port', ['net']),
      resource('net'),
    ]);
    expect(order).toEqual(['net', 'port', 'server']);
  });
  it.each([
    [[resource('a'), resource('a')], /duplicate key a/],
    [[resource('a', ['b'])], /depends on unknown b/],
    [[resource('a', ['b']), resource('b', ['a'])], /cycle among a, b/],
  ])('refuses a broken graph', (graph, message) => {
    expect(() => topologicalOrder(graph)).toThrow(InternalError);
    expect(() => topologicalOrder(graph)).toThrow(message);
  });
});

describe('executeGraph', () => {
  it('runs independent resources concurrently and dependents after their dependencies', async () => {
    const events: string[] = [];
    const gate = deferred();
    const graph = [
      resource('port/a', [], 'neutron', async () => {
        events.push('start a');
        await gate.promise;
        events.push('end a');
      }),
      resource('port/b', [], 'neutron', async () => {
        events.push('start b');
        gate.resolve();
      }),
      resource('server/a', ['port/a', 'port/b'], 'nova', async () => {
        events.push('server');
      }),
    ];
    const outputs = await executeGraph(graph);
    expect(events).toEqual(['start a', 'start b', 'end a', 'server']);
    expect(outputs.get('server/a')).toEqual({ id: 'id-server/a', action: 'created' });
  });

  it('bounds requests in flight per service', async () => {
    let inFlight = 0;
    let peak = 0;
    const body = async (): Promise<void> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
    };
    const graph = Array.from({ length: 20 }, (_, i) => resource(`port/${i}`, [], 'neutron', body));
    await executeGraph(graph, { limits: { neutron: 3 } });
    expect(peak).toBe(3);
  });

  it('gives a freed slot to what blocks most, keeping graph order among equals', async () => {
    const started: string[] = [];
    const body = (key: string) => async (): Promise<void> => {
      started.push(key);
      await new Promise((r) => setImmediate(r));
    };
    // one slot; the rules every server needs come last in the graph but must not wait behind the ports
    const nodes = ['n1', 'n2', 'n3'];
    const graph = [
      ...nodes.map((n) => resource(`port/${n}`, [], 'neutron', body(`port/${n}`))),
      resource('rules', [], 'neutron', body('rules')),
      ...nodes.map((n) => resource(`server/${n}`, [`port/${n}`, 'rules'], 'nova', body(`server/${n}`))),
    ];
    await executeGraph(graph, { limits: { neutron: 1 } });
    expect(started.filter((k) => !k.startsWith('server/'))).toEqual([
      'port/n1',
      'rules',
      'port/n2',
      'port/n3',
    ]);
    // with the rules done early, the first server starts before the last port
    expect(started.indexOf('server/n1')).toBeLessThan(started.indexOf('port/n3'));
  });

  it('passes dependency outputs to dependents', async () => {
    const seen: string[] = [];
    const graph: Resource[] = [
      resource('network/mgmt'),
      {
        key: 'port/cp-1/mgmt',
        service: 'neutron',
        dependsOn: ['network/mgmt'],
        async ensure(ctx) {
          seen.push(ctx.output('network/mgmt').id);
          return { id: 'p1', action: 'found' };
        },
      },
    ];
    await executeGraph(graph);
    expect(seen).toEqual(['id-network/mgmt']);
  });

  it('stops starting new work after a failure, lets in-flight work finish, and reports every failure', async () => {
    const finished: string[] = [];
    const graph = [
      resource('network/a', [], 'neutron', async () => {
        throw new Error('quota exceeded');
      }),
      resource('network/b', [], 'neutron', async () => {
        await new Promise((r) => setImmediate(r));
        finished.push('network/b');
      }),
      resource('port/a', ['network/a']),
      resource('port/b', ['network/b']),
    ];
    const error = await executeGraph(graph).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).message).toBe('network/a: quota exceeded');
    expect(finished).toEqual(['network/b']); // in-flight work completed, so its id can be recorded
  });

  it('stops on abort and throws AbortError', async () => {
    const aborter = new AbortController();
    const started: string[] = [];
    const graph = [
      resource('network/a', [], 'neutron', async () => {
        started.push('network/a');
        aborter.abort();
      }),
      resource('port/a', ['network/a'], 'neutron', async () => {
        started.push('port/a');
      }),
    ];
    await expect(executeGraph(graph, { signal: aborter.signal })).rejects.toBeInstanceOf(AbortError);
    expect(started).toEqual(['network/a']);
  });
});
