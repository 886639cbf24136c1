import { requestedCloud } from '../../../src/provision/command-env';

describe('requestedCloud: --os-cloud > OS_CLOUD > spec.cloud > the cluster state > the default (as the openstack client)', () => {
  const state = { name: 'demo', cloud: 'lab' };
  it.each([
    [
      '--os-cloud wins',
      { osCloud: 'prod' },
      { OS_CLOUD: 'x' },
      { cloud: 'y' },
      state,
      { name: 'prod', from: '--os-cloud' },
    ],
    ['OS_CLOUD next (left to the resolver)', {}, { OS_CLOUD: 'x' }, { cloud: 'y' }, state, undefined],
    ['spec.cloud without OS_CLOUD', {}, {}, { cloud: 'y' }, state, { name: 'y', from: 'spec.cloud' }],
    ['OS_CLOUD beats the state (left to the resolver)', {}, { OS_CLOUD: 'x' }, {}, state, undefined],
    ['the state', {}, {}, {}, state, { name: 'lab', from: 'the state of cluster demo' }],
    [
      'an empty OS_CLOUD is unset',
      {},
      { OS_CLOUD: '' },
      undefined,
      state,
      { name: 'lab', from: 'the state of cluster demo' },
    ],
    ['nothing: the default', {}, {}, undefined, undefined, undefined],
    ['a state without a cloud: the default', {}, {}, undefined, { name: 'old' }, undefined],
    [
      'a --sim cluster says how to reach it',
      {},
      {},
      undefined,
      { name: 'demo', cloud: 'viok-sim' },
      { name: 'viok-sim', from: 'the state of cluster demo; for a cluster made with --sim, pass --sim' },
    ],
  ])('%s', (_, flags, env, spec, st, expected) => {
    expect(requestedCloud(flags, env, spec, st)).toEqual(expected);
  });
});
