// Worker-thread entry of the ingest bench's load side (see ingest-load.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { type IngestLoadJob, runIngestLoad } from './ingest-load.ts';

try {
  const result = await runIngestLoad(workerData.job as IngestLoadJob, (phase) => parentPort!.postMessage({ kind: 'progress', phase }));
  parentPort!.postMessage({ kind: 'result', result });
} catch (error) {
  parentPort!.postMessage({ kind: 'error', message: (error as Error).stack ?? String(error) });
}
