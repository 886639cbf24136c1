/**
 * xmllint without the xmllint program: libxml2 compiled to WebAssembly (the `xmllint-wasm` package) in
 * a worker thread, called synchronously (the caller blocks on `Atomics.wait` until the worker answers),
 * so `npm test` needs only Node and the XSD checks stay plain synchronous assertions. One worker per
 * test file, the wasm compiled once: a validation costs a few milliseconds.
 */
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

export interface XmllintFile {
  fileName: string;
  contents: string;
}

export interface XmllintRun {
  /** xmllint's exit code: 0 valid, 3 or 4 invalid, anything else a failure of xmllint itself. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** How long one run may take before the worker is presumed dead (no test waits this long otherwise). */
const ANSWER_MS = 120_000;

let channel: { port: MessagePort; flag: Int32Array } | undefined;

function start(): { port: MessagePort; flag: Int32Array } {
  const signal = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(path.join(__dirname, 'xmllint-worker.js'), {
    workerData: { port: port2, signal },
    transferList: [port2],
  });
  // the worker lives as long as the test file; it must not keep jest's worker process alive
  worker.unref();
  port1.unref();
  return { port: port1, flag: new Int32Array(signal) };
}

/** Runs xmllint with `args` over an in-memory file system holding `files`. */
export function xmllint(files: XmllintFile[], args: string[]): XmllintRun {
  channel ??= start();
  const { port, flag } = channel;
  Atomics.store(flag, 0, 0);
  port.postMessage({ inputFiles: files, args });
  const waited = Atomics.wait(flag, 0, 0, ANSWER_MS);
  const reply = receiveMessageOnPort(port);
  if (!reply)
    throw new Error(
      `xmllint (wasm) did not answer (${waited}): is the xmllint-wasm package installed (npm ci)?`,
    );
  return reply.message as XmllintRun;
}
