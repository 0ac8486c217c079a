export { evaluateController } from './eval/evaluate.ts';
export type { EvaluationOptions, EvaluationResult } from './eval/evaluate.ts';
export { evaluateInParallel } from './eval/parallel.ts';
export type { EvaluationJob } from './eval/parallel.ts';
export { ProtocolCityRunner } from './eval/protocol-runner.ts';
export { buildFleet, provisionAgents } from './deploy/agent-fleet.ts';
export { CabinetCity } from './deploy/cabinet-city.ts';
export { startCentreService, stopCentreService } from './deploy/centre-service.ts';
/** Boots a worker thread with the TypeScript loader: `new Worker(TS_WORKER_BOOT, { workerData: { entry, ... } })`. */
export const TS_WORKER_BOOT = new URL('./eval/worker-boot.mjs', import.meta.url);
export { TwinCameras } from './deploy/twin-cameras.ts';
export { pilotCamera, pilotCameras } from './deploy/pilot-camera.ts';
export { viewEarlier } from './deploy/view-earlier.ts';
export { CameraWorker } from './deploy/camera-worker.ts';
export type { TwinCamera, TwinCamerasOptions } from './deploy/twin-cameras.ts';
