import {
  EtcdAuthenticationFailedError,
  EtcdPermissionDeniedError,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
} from 'etcd3';
import { describeEtcdFailure } from '../../../src/state/etcd/failure';

const endpoints = ['10.0.0.5:2379', '10.0.0.6:2379'];
const location = 'etcd://10.0.0.5:2379,10.0.0.6:2379/viok';

describe('describeEtcdFailure', () => {
  it.each([
    [
      new GRPCUnavailableError(
        '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 10.0.0.5:2379. Resolution note: ',
      ),
      'cannot reach etcd at 10.0.0.5:2379, 10.0.0.6:2379 (connect ECONNREFUSED 10.0.0.5:2379); check that etcd is running',
    ],
    [
      new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded'),
      'cannot reach etcd at 10.0.0.5:2379, 10.0.0.6:2379 (Deadline exceeded)',
    ],
    [
      new EtcdAuthenticationFailedError('etcdserver: authentication failed, invalid user ID or password'),
      'refused the credentials (etcdserver: authentication failed, invalid user ID or password); set VIOK_ETCD_USERNAME',
    ],
    [
      new EtcdPermissionDeniedError('etcdserver: permission denied'),
      `denied access (etcdserver: permission denied); grant the etcd user read/write on the keys of ${location}`,
    ],
    [
      new Error('something odd\n    at frame (x.js:1:1)'),
      'etcd at 10.0.0.5:2379, 10.0.0.6:2379 failed: something odd',
    ],
  ])('describes %p', (error, expected) => {
    const message = describeEtcdFailure(error, endpoints, location);
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });
});
