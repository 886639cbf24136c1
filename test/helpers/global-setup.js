// Builds dist/ once before the suites, so CLI tests run the real `bin/viok` as a user would.
// Type errors are reported but do not stop the emit (tsc emits anyway); `npm run build` and
// `npx tsc --noEmit` are the gates for types, in .ci/run.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const skipLogSetup = require('./skip-log-setup');

module.exports = async function globalSetup() {
  await skipLogSetup();
  const root = path.resolve(__dirname, '../..');
  const r = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0)
    process.stderr.write(
      `\n[global-setup] tsc reported errors (dist emitted anyway):\n${r.stdout}${r.stderr}\n`,
    );
};
