import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the scripted server does with one request: answer, or drop the connection without answering. */
export type Step = { status: number; headers?: Record<string, string>; body?: unknown } | 'reset' | 'hang';

/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) that answers requests from a script, in order, and
 * records what it saw. The last step repeats when the script runs out.
 */
export async function scriptedServer(steps: Step[]): Promise<LocalServer> {
  return routedServer((_req, index) => steps[Math.min(index, steps.length - 1)] as Step);
}

export interface LocalServer {
  url: string;
  seen: Seen[];
  close: () => Promise<void>;
}

/** Like scriptedServer, but a function picks the answer from the request (and its 0-based index). */
export async function routedServer(route: (req: Seen, index: number) => Step): Promise<LocalServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      const step = route(entry, seen.length - 1);
      if (step === 'reset') {
        req.socket.destroy();
        return;
      }
      if (step === 'hang') return;
      const text =
        step.body === undefined ? '' : typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
