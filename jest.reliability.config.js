/**
 * Reliability tier: `npm run test:reliability`, run by .ci/run after `npm test`. The campaigns are budgeted by
 * work (kill points, fuzz runs, rounds), not by wall-clock: no jest timeout a busy machine can hit. A hung CLI
 * run is still ended by the harnesses' own per-run limits. Needs etcd and openssl (apt-get install -y
 * etcd-server openssl): outside CI the etcd tests are skipped, with one line saying so; in CI they fail.
 */
const { base, SLOW } = require('./jest.tiers.js');
module.exports = {
  ...base,
  testMatch: SLOW,
  testPathIgnorePatterns: ['/node_modules/'],
  // a day: never reached by a bounded campaign, however loaded the machine
  testTimeout: 24 * 60 * 60 * 1000,
  // each campaign runs its own lanes of CLI processes; two at once already fill two cores
  maxWorkers: 2,
};
