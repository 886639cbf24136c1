// Prints ONE line naming the tests skipped for want of a program (test/helpers/programs.ts), then
// removes the record. Outside CI only: in CI a missing program is a failure, never a skip.
const { existsSync, readFileSync, rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  const log = process.env.VIOK_SKIP_LOG;
  if (!log || !existsSync(log)) return;
  const skips = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  rmSync(log, { force: true });
  if (skips.length === 0) return;
  const byProgram = new Map();
  for (const s of skips) {
    const entry = byProgram.get(s.program) ?? { count: 0, install: s.install };
    entry.count++;
    byProgram.set(s.program, entry);
  }
  const parts = [...byProgram].map(
    ([program, { count, install }]) => `${count} needing ${program} (not on PATH; ${install})`,
  );
  process.stderr.write(
    `\nviok: skipped ${skips.length} test(s): ${parts.join(', ')}; CI (.ci/run) installs them and runs these\n`,
  );
};
