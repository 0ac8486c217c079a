export { evaluateController } from './eval/evaluate.ts';
export type { EvaluationOptions, EvaluationResult } from './eval/evaluate.ts';
export { evaluateInParallel } from './eval/parallel.ts';
export type { EvaluationJob } from './eval/parallel.ts';
export { ProtocolCityRunner } from './eval/protocol-runner.ts';
export { buildFleet, provisionAgents } from './deploy/agent-fleet.ts';
export { CabinetCity } from './deploy/cabinet-city.ts';
export { startCentreService, stopCentreService } from './deploy/centre-service.ts';
