import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from '@greenwave/simulator';
import { evaluateController } from './evaluate.ts';
import type { EvaluationJob, WorkerMessage } from './parallel.ts';

const job = workerData.job as EvaluationJob;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);
try {
  const { scenario, network } = loadScenario(job.scenario);
  const result = await evaluateController({
    scenario,
    network,
    controller: job.controller,
    durationS: job.durationS,
    coolDownS: job.coolDownS,
    via: job.via ?? 'direct',
    ...(job.basePort !== undefined ? { basePort: job.basePort } : {}),
    onProgress: (done, total) => post({ kind: 'progress', controller: job.via === 'protocol' ? `${job.controller}·link` : job.controller, done, total }),
  });
  post({ kind: 'result', result });
} catch (error) {
  post({ kind: 'error', controller: job.controller, message: error instanceof Error ? error.message : String(error) });
}
