// Builds dist/ before the suites, so CLI tests run the real `bin/viok` as a user would — unless dist/ is
// already newer than every source file (a fresh `npm ci` builds it through `prepare`), which saves the
// build's 20-30 s. Type errors are reported but do not stop the emit (tsc emits anyway); `npm run build`
// and `npx tsc --noEmit` are the gates for types, in .ci/run.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const skipLogSetup = require('./skip-log-setup');

/** The newest modification time under `dir` (files only), 0 when it does not exist. */
function newest(dir) {
  let latest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    latest = Math.max(latest, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return latest;
}

/** dist/ is current when it was built after the last change to src/ and the build's own config. */
function distIsCurrent(root) {
  let built;
  try {
    built = fs.statSync(path.join(root, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    return false;
  }
  const inputs = [
    newest(path.join(root, 'src')),
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map(
      (f) => fs.statSync(path.join(root, f)).mtimeMs,
    ),
  ];
  return built > Math.max(...inputs);
}

module.exports = async function globalSetup() {
  await skipLogSetup();
  const root = path.resolve(__dirname, '../..');
  if (distIsCurrent(root)) return;
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
