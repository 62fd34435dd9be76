// Runs one model once with ONNX Runtime (onnxruntime-node) and writes each
// float output as .npy: the reference for the QDQ tests.
// usage: node ort_run.js MODEL.onnx INPUT.npy OUT_PREFIX   (writes OUT_PREFIX<k>.npy)
'use strict';
const ort = require('onnxruntime-node');
const { readNpy, writeNpy } = require('./npy');

async function main() {
  const [model, input, prefix] = process.argv.slice(2);
  const { shape, data } = readNpy(input);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all',
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, shape) };
  const out = await session.run(feeds);
  session.outputNames.forEach((name, k) => {
    const t = out[name];
    if (t.type !== 'float32') throw new Error(`output ${name} is ${t.type}, not float32`);
    writeNpy(`${prefix}${k}.npy`, t.dims, t.data);
  });
}

main().catch(e => { console.error(`ort_run: error: ${e.message}`); process.exit(1); });
