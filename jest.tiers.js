/** What the jest configs of the tiers share (jest.config.js describes the tiers). */

/**
 * The slow campaigns, run by `npm run test:reliability` only: the kill matrix (every kill point of every
 * backend, and of delete and scale; kill-smoke.test.ts keeps one point per backend in `npm test`), etcd (needs the etcd program),
 * the fault soak, the concurrency campaign and the fuzz.
 */
const SLOW = [
  'kill-vds',
  'kill-nsxt',
  'kill-nsxv',
  'kill-day-two',
  'kill-etcd',
  'etcd-state-cli',
  'faults',
  'concurrent',
  'cli-fuzz',
].map((name) => `<rootDir>/test/reliability/${name}.test.ts`);

/** ESM-only packages the code loads (src/kube/client.ts): the built CLI uses Node's require(esm). */
const ESM_PACKAGES = [
  '@kubernetes/client-node',
  'openid-client',
  'oauth4webapi',
  'jose',
  'jsonpath-plus',
  'rfc4648',
];

/** What every tier shares. */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // ESM-only packages (below) compiled to CommonJS: jest's module system cannot require(esm) on Node 20
    '/node_modules/.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // @kubernetes/client-node 1.x and its ESM-only dependencies are transformed; everything else is not
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  // builds dist/ (CLI tests run bin/viok) and sets up the record of tests skipped for want of a program
  globalSetup: '<rootDir>/test/helpers/global-setup.js',
  // prints that record as one line
  globalTeardown: '<rootDir>/test/helpers/global-teardown.js',
};

module.exports = { base, SLOW };
