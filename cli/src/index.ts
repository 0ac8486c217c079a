export { evaluateController } from './eval/evaluate.ts';
export type { EvaluationOptions, EvaluationResult } from './eval/evaluate.ts';
export { evaluateInParallel } from './eval/parallel.ts';
export type { EvaluationJob } from './eval/parallel.ts';
export { ProtocolCityRunner } from './eval/protocol-runner.ts';
