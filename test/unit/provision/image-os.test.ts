import { unsupportedImageOs } from '../../../src/provision/image-os';

describe('image OS properties (preflight warning)', () => {
  it.each([
    [{}],
    [{ os_distro: 'ubuntu' }],
    [{ os_distro: 'ubuntu', os_version: '22.04' }],
    [{ os_distro: 'Ubuntu', os_version: '24.04.1' }],
    [{ os_distro: 'debian', os_version: '12' }],
    [{ os_distro: 'debian', os_version: '12.7' }],
  ])('no warning for %j', (image) => {
    expect(unsupportedImageOs(image)).toBeUndefined();
  });

  it.each([
    [{ os_distro: 'centos', os_version: '9' }, 'centos 9'],
    [{ os_distro: 'rhel' }, 'rhel'],
    [{ os_distro: 'ubuntu', os_version: '20.04' }, 'ubuntu 20.04'],
    [{ os_distro: 'debian', os_version: '11' }, 'debian 11'],
  ])('warns for %j, naming it and what is supported', (image, named) => {
    const w = unsupportedImageOs(image);
    expect(w).toContain(`the image is ${named};`);
    expect(w).toContain('Ubuntu 22.04, Ubuntu 24.04, Debian 12');
  });
});
