import { spawn } from 'node:child_process';
import { OperationError } from '../../core/errors';

/** Draws DOT text as SVG with Graphviz's `dot -Tsvg`; a clear error when Graphviz is not installed. */
export function dotToSvg(dot: string, command = 'dot'): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['-Tsvg'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new OperationError(
              `-o svg needs Graphviz's "${command}" command, which is not installed: install graphviz (Debian/Ubuntu: apt-get install -y graphviz) or use -o dot / -o mermaid`,
            )
          : new OperationError(`could not run ${command}: ${e.message}`),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new OperationError(`${command} -Tsvg failed (exit ${code}): ${err.trim()}`)),
    );
    child.stdin.on('error', () => undefined); // a missing binary closes stdin: the 'error' above explains
    child.stdin.end(dot);
  });
}
