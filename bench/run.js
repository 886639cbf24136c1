#!/usr/bin/env node
// `npm run bench`: runs every benchmark and writes bench/results/<date>.md. Figures, never pass/fail.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { startup } = require('./startup.js');
const { simScale } = require('./sim-scale.js');
const { provisionBench, benchOptions } = require('./provision.js');

async function main() {
  const date = new Date().toISOString().slice(0, 10);
  const sections = [];
  sections.push(`# viok benchmarks, ${new Date().toISOString()}`);
  sections.push(
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  );
  sections.push(await startup());
  sections.push(await simScale());
  const out = path.join(__dirname, 'results', `${date}.md`);
  // provisioning last: the longest; `npm run bench -- --quick` (or --scale N, --full, --no-peer) tunes it
  sections.push(await provisionBench(benchOptions(), out));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, sections.join('\n\n') + '\n');
  process.stdout.write(sections.join('\n\n') + `\n\nwritten to ${path.relative(process.cwd(), out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e.message}\n`);
  process.exitCode = 1;
});
