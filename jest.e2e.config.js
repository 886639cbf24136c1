/** e2e tier: real OpenStack lab and real tools; run by .ci/run (`npm run test:e2e`). */
const base = require('./jest.config.js');
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
  testTimeout: 600000,
  maxWorkers: 1,
};
