// Preloaded into the API process when BENCH_CPU_PROF=1 (`node -r`): the first SIGUSR2 starts the
// V8 CPU profiler, the second stops it and writes BENCH_CPU_PROF_FILE. So the profile covers
// exactly the load window, not start-up or the drain.
'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');

const session = new inspector.Session();
session.connect();
let running = false;
process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 200 }, () =>
        session.post('Profiler.start'),
      ),
    );
    return;
  }
  running = false;
  session.post('Profiler.stop', (err, result) => {
    if (err) return;
    // Written then renamed: the orchestrator waits for the file and must never read half of it.
    const file = process.env.BENCH_CPU_PROF_FILE;
    fs.writeFileSync(`${file}.part`, JSON.stringify(result.profile));
    fs.renameSync(`${file}.part`, file);
  });
});
