// Runs libxml2's xmllint compiled to WebAssembly (the xmllint-wasm package) in a worker thread, so
// test/helpers/xmllint.ts can offer a synchronous validate() without the xmllint program: the caller
// blocks on Atomics.wait until this worker has answered on its port. The wasm is compiled once and
// instantiated afresh for each run (an xmllint run is a whole program: main() then exit).
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
/* global WebAssembly */

const { port, signal } = workerData;
let factory;
let compiled;
let loadError;
try {
  const packageDir = path.dirname(require.resolve('xmllint-wasm/package.json'));
  // Requiring the Emscripten factory also registers the package's own message handler, which only
  // answers messages tagged 'xmllint-wasm'; ours are not.
  factory = require(path.join(packageDir, 'xmllint-node.js'));
  compiled = new WebAssembly.Module(readFileSync(path.join(packageDir, 'xmllint.wasm')));
} catch (e) {
  // answered to every run, so the caller fails at once instead of waiting for an answer
  loadError = `cannot load xmllint-wasm (npm ci installs it): ${e && e.message ? e.message : e}`;
}
const flag = new Int32Array(signal);

function answer(message) {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

port.on('message', ({ inputFiles, args }) => {
  if (loadError) {
    answer({ exitCode: -2, stdout: '', stderr: loadError });
    return;
  }
  let stdout = '';
  let stderr = '';
  let done = false;
  const finish = (exitCode) => {
    if (done) return;
    done = true;
    answer({ exitCode, stdout, stderr });
  };
  factory({
    inputFiles,
    arguments: args,
    print: (text) => (stdout += `${text}\n`),
    printErr: (text) => (stderr += `${text}\n`),
    onExit: finish,
    onAbort: (reason) => {
      stderr += `WASM abort: ${reason}\n`;
      finish(-1);
    },
    instantiateWasm: (imports, receive) => {
      WebAssembly.instantiate(compiled, imports).then(
        (instance) => receive(instance, compiled),
        (e) => {
          stderr += `${e}\n`;
          finish(-1);
        },
      );
      return {};
    },
    wasmMemory: new WebAssembly.Memory({ initial: 256, maximum: 2048 }),
  }).catch((e) => {
    // an ExitStatus thrown after onExit is the normal end of the program
    if (!done) {
      stderr += `${e && e.message ? e.message : e}\n`;
      finish(-1);
    }
  });
});
parentPort?.postMessage('ready');
