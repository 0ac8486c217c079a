import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ControllerKind, ErrorCode, GreenwaveError } from '@greenwave/contracts';
import type { EvaluationOptions, EvaluationResult } from './evaluate.ts';

export interface EvaluationJob {
  scenario: string;
  controller: ControllerKind;
  durationS: number;
  coolDownS: number;
  via?: 'direct' | 'protocol';
  /** Ports of this job's emulated cabinets (protocol path): jobs running at once need different ranges. */
  basePort?: number;
  /** Junctions measured through synthetic cameras and the vision path. */
  vision?: EvaluationOptions['vision'];
  pilotIds?: string[];
}

/** How a job shows in progress lines and tables: the controller, with ·link (protocol path) or ·vision (camera-fed pilots). */
export function jobLabel(job: Pick<EvaluationJob, 'controller' | 'via' | 'vision'>): string {
  return `${job.controller}${job.via === 'protocol' ? '·link' : ''}${job.vision ? '·vision' : ''}`;
}

export type WorkerMessage =
  | { kind: 'progress'; controller: string; done: number; total: number }
  | { kind: 'result'; result: EvaluationResult }
  | { kind: 'error'; controller: string; message: string };

/**
 * Runs one twin per controller on worker threads, as many at a time as there are cores, reporting progress.
 * Results come back in the order of `jobs`.
 */
export async function evaluateInParallel(
  jobs: readonly EvaluationJob[],
  onProgress: (controller: string, done: number, total: number) => void,
  parallelism = Math.max(1, availableParallelism()),
): Promise<EvaluationResult[]> {
  const results: (EvaluationResult | undefined)[] = new Array(jobs.length);
  let nextJob = 0;
  const runOne = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const job = jobs[index]!;
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
        workerData: { job, entry: new URL('./eval-worker.ts', import.meta.url).href },
      });
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'progress') onProgress(message.controller, message.done, message.total);
        else if (message.kind === 'result') results[index] = message.result;
        else reject(new GreenwaveError(ErrorCode.INTERNAL, `evaluation of ${message.controller} failed: ${message.message}`));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (results[index]) resolve();
        else reject(new GreenwaveError(ErrorCode.INTERNAL, `evaluation of ${job.controller} stopped (exit ${code}) without a result`));
      });
    });
  const lane = async () => {
    while (nextJob < jobs.length) await runOne(nextJob++);
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, jobs.length) }, lane));
  return results as EvaluationResult[];
}
