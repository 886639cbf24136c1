/** Unit tier: `npm run test:unit`. Pure logic and fakes, no build, no network beyond 127.0.0.1, only Node. */
const { base } = require('./jest.tiers.js');
module.exports = {
  ...base,
  roots: ['<rootDir>/test/unit'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/helpers/skip-log-setup.js',
  testTimeout: 30000,
};
