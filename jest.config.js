/**
 * Test tiers (README "Development"): one base, three configs.
 * - `npm test` (this file): unit, integration, contract and the quick reliability tests; only Node needed.
 * - `npm run test:unit` (jest.unit.config.js): test/unit alone, no build.
 * - `npm run test:reliability` (jest.reliability.config.js): the campaigns below, budgeted by work.
 * - `npm run test:e2e` (jest.e2e.config.js): real OpenStack lab and real tools.
 */

const { base, SLOW } = require('./jest.tiers.js');

module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/e2e/',
    ...SLOW.map((file) => file.replace(/\./g, '\\.') + '$'),
  ],
  testTimeout: 30000,
  // jest's default is one worker on two cores; most suites wait on child processes (the CLI, the
  // simulator), so two keep both cores busy: about 3 min of CPU finishes in under 2 on a quiet machine
  maxWorkers: 2,
};
