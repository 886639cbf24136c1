import { JsonProgress, PlainProgress } from '../../../src/core/progress';

const at = (): Date => new Date('2026-11-22T01:02:03.000Z');

describe('progress renderers', () => {
  it('plain: one timestamped line per event', () => {
    const lines: string[] = [];
    const p = new PlainProgress((l) => lines.push(l), at);
    p.emit({ type: 'phase', phase: 'apply', message: 'creating 12 resources' });
    p.emit({ type: 'resource', key: 'network/mgmt', status: 'created', id: 'n-1' });
    p.emit({ type: 'node', node: 'demo-worker-1', status: 'ACTIVE' });
    expect(lines).toEqual([
      '2026-11-22T01:02:03.000Z [apply] creating 12 resources',
      '2026-11-22T01:02:03.000Z created network/mgmt (n-1)',
      '2026-11-22T01:02:03.000Z node demo-worker-1: ACTIVE',
    ]);
  });

  it('json: one parseable object per line with its time', () => {
    const lines: string[] = [];
    new JsonProgress((l) => lines.push(l), at).emit({
      type: 'resource',
      key: 'port/a',
      status: 'failed',
      message: 'OverQuota',
    });
    expect(JSON.parse(lines[0] as string)).toEqual({
      time: '2026-11-22T01:02:03.000Z',
      type: 'resource',
      key: 'port/a',
      status: 'failed',
      message: 'OverQuota',
    });
  });
});
