// Global setup of every tier: where test/helpers/programs.ts records tests skipped for want of a program
// (global-teardown.js prints them as one line). Set before jest starts its workers, which inherit it.
const os = require('node:os');
const path = require('node:path');

module.exports = async function skipLogSetup() {
  process.env.VIOK_SKIP_LOG ??= path.join(os.tmpdir(), `viok-skips-${process.pid}.jsonl`);
};
