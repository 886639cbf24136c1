/**
 * The one place that wires @peculiar/x509 to Node's WebCrypto. Every module that builds or parses a
 * certificate takes `x509()` from here, so the provider is always set first. Loaded on first use:
 * the library and reflect-metadata cost about 50 ms of start-up that `viok get` or `validate` never need.
 */
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

let loaded: typeof X509 | undefined;

export function x509(): typeof X509 {
  if (!loaded) {
    /* eslint-disable @typescript-eslint/no-require-imports -- lazy, see above */
    require('reflect-metadata');
    const lib = require('@peculiar/x509') as typeof X509;
    /* eslint-enable @typescript-eslint/no-require-imports */
    lib.cryptoProvider.set(webcrypto as unknown as Parameters<typeof lib.cryptoProvider.set>[0]);
    loaded = lib;
  }
  return loaded;
}

export { webcrypto };
