/**
 * The one place that wires @peculiar/x509 to Node's WebCrypto. Every PKI module imports `x509`
 * from here, so the provider is always set before a certificate is built or parsed.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509, webcrypto };
