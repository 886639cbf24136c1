/** Writing files the simulator owns: whole or not at all, readable by the owner only. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** Write to a temporary file, then rename: a crash mid-write never leaves a torn file. */
export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // it holds the simulated cloud's passwords, tokens and TLS key
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true }); // a write cut short (a full disk) leaves no partial secrets behind
    throw e;
  }
}
