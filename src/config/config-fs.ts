import { existsSync, readFileSync } from 'node:fs';

/**
 * The file-system seam for credentials lookup: production passes nothing (the real disk),
 * tests pass an in-memory map so they never read the user's home.
 */
export interface ConfigFs {
  /** Returns the file's text; throws (as node:fs does) when it cannot be read. */
  readFile(path: string): string;
  exists(path: string): boolean;
}

export const nodeConfigFs: ConfigFs = {
  readFile: (path) => readFileSync(path, 'utf8'),
  exists: (path) => existsSync(path),
};
