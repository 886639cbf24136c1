import { closeMatches, didYouMean, editDistance } from '../../../src/util/close-matches';

describe('close matches', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['Ubuntu', 'ubuntu', 0],
    ['', 'abc', 3],
  ])('editDistance(%s, %s) = %d', (a, b, d) => expect(editDistance(a, b)).toBe(d));

  it('finds typos and names that contain the word, closest first', () => {
    const images = ['ubuntu-22.04', 'ubuntu-24.04', 'cirros', 'debian-12'];
    expect(closeMatches('ubuntu-22.4', images)).toEqual(['ubuntu-22.04', 'ubuntu-24.04']);
    expect(closeMatches('debian', images)).toEqual(['debian-12']);
    expect(closeMatches('windows', images)).toEqual([]);
  });

  it('phrases the advice', () => {
    expect(didYouMean('m1.meduim', ['m1.medium', 'm1.small'])).toBe(' Did you mean "m1.medium"?');
    expect(didYouMean('ubuntu', ['ubuntu-22.04', 'ubuntu-24.04'])).toBe(
      ' Did you mean "ubuntu-22.04" or "ubuntu-24.04"?',
    );
    expect(didYouMean('x', ['m1.medium'])).toBe('');
  });
});
