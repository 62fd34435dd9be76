// Times ONNX Runtime (onnxruntime-node, one thread) on one model and input.
// usage: node ort_bench.js MODEL.onnx INPUT.npy RUNS
// prints: latency_us median=<m> min=<m> runs=<n> rss_growth_bytes=<b> peak_rss_bytes=<b>
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');
const { readNpy } = require('./npy');

function peakRss() {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return m ? Number(m[1]) * 1024 : NaN;
}

async function main() {
  const [model, input, runsArg] = process.argv.slice(2);
  const runs = Number(runsArg || 200);
  const { shape, data } = readNpy(input);
  const rssBefore = process.memoryUsage().rss;
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, shape) };
  for (let i = 0; i < Math.min(runs, 10); ++i) await session.run(feeds);
  const us = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  us.sort((a, b) => a - b);
  const growth = process.memoryUsage().rss - rssBefore;
  console.log(`latency_us median=${us[us.length >> 1].toFixed(2)} min=${us[0].toFixed(2)} ` +
              `runs=${runs} rss_growth_bytes=${growth} peak_rss_bytes=${peakRss()}`);
}

main().catch(e => { console.error(`ort_bench: error: ${e.message}`); process.exit(1); });
