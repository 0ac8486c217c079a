import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from '@greenwave/simulator';
import { evaluateController } from './evaluate.ts';
import { type EvaluationJob, type WorkerMessage, jobLabel } from './parallel.ts';

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
    ...(job.vision ? { vision: job.vision } : {}),
    ...(job.pilotIds ? { pilotIds: job.pilotIds } : {}),
    onProgress: (done, total) => post({ kind: 'progress', controller: jobLabel(job), done, total }),
  });
  post({ kind: 'result', result });
} catch (error) {
  post({ kind: 'error', controller: jobLabel(job), message: error instanceof Error ? error.message : String(error) });
}
