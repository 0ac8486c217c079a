export { ErrorCode, GreenwaveError, ValidationError, formatIssue, toGreenwaveError } from './errors.ts';
export type { GreenwaveErrorOptions, ValidationIssue } from './errors.ts';
export { formatPath, loadFile, parseDocumentText, parseWith, valueAt } from './validate.ts';
export type { LineLocator, LoadedDocument, PathSegment } from './validate.ts';
export {
  ClassMix,
  VehicleClassName,
  VehicleClassParams,
  defaultVehicleClasses,
  perClass,
  vehicleClassNames,
} from './vehicle-classes.ts';
export type { PerClass } from './vehicle-classes.ts';
export { PhaseTiming, clearanceS, effectiveMinGreenS } from './timing.ts';
export type { PhaseTimingInput } from './timing.ts';
export {
  ActuatedControllerConfig,
  ControllerConfig,
  ControllerKind,
  DensityControllerConfig,
  FixedControllerConfig,
  MaxPressureControllerConfig,
  QueueControllerConfig,
  WebsterControllerConfig,
  controllerKinds,
  defaultControllerConfig,
} from './controller-config.ts';
export type { ControllerConfigInput, ControllerConfigOf } from './controller-config.ts';
export {
  Approach,
  ConflictOverride,
  DetectionZone,
  DualRingStructure,
  FixedPlan,
  Intersection,
  Lane,
  Movement,
  Phase,
  PhaseNumber,
  PhaseStructure,
  StageStructure,
  Turn,
  structurePhases,
  turns,
} from './intersection.ts';
export type { IntersectionInput } from './intersection.ts';
export { derivePhaseConflicts, legsOpposite, movementConflict, movementConflicts } from './conflicts.ts';
export type { MovementConflict, MovementPairConflict, PhaseConflictTable } from './conflicts.ts';
export { checkPlan } from './plan-rules.ts';
export type { PlanLayout, PlanProblem } from './plan-rules.ts';
export { MAX_PHASE, bitmapToPhases, buildPhaseModel, mayRunTogether, phasesToBitmap } from './phase-model.ts';
export type { PhaseModel } from './phase-model.ts';
export { CabinetRequest, FaultCode, UnitMode, checkCabinetRequest, phaseIntervals, unitModes } from './signal.ts';
export type { PhaseInterval, PhaseStatus, RequestCheck, RequestProblem, RequestProblemCode, SignalStatus } from './signal.ts';
export { HiResEvent } from './events.ts';
export type { HiResEventCode, HiResEventRecord } from './events.ts';
export { LaneMeasurement, emptyPerClass } from './measurement.ts';
export { Edge, Network, NetworkNode, RoadClass, roadClasses } from './network.ts';
export type { NetworkInput } from './network.ts';
export {
  DanangGeneratorParams,
  Demand,
  DemandProfilePoint,
  Scenario,
  ScenarioNetwork,
  clockToSeconds,
  secondsToClock,
} from './scenario.ts';
export type { ScenarioInput } from './scenario.ts';
export { jsonSchemaOf, jsonSchemas } from './json-schemas.ts';
export {
  MAP_DETECTORS,
  MAP_PHASES,
  PLAN_COMMANDS,
  POINTS,
  POINT_BY_ID,
  POINT_MAP_VERSION,
  UNIT_MODE_CODES,
  decodePoint,
  encodePoint,
  point,
  pointMapMarkdown,
} from './point-map.ts';
export type { OpcuaDataType, PointArea, PointDef, PointGroup, PointType } from './point-map.ts';
export {
  AGENT_PROTOCOL_VERSION,
  AgentHello,
  AgentMessage,
  Alarm,
  AlarmMessage,
  CentreMessage,
  CommandAck,
  EventsMessage,
  HiResEventRecord as HiResEventRecordSchema,
  MAX_MESSAGE_BYTES,
  MeasurementMessage,
  StatusMessage,
  alarmCodes,
  errorCodes,
  parseAgentMessage,
  parseCentreMessage,
} from './agent-protocol.ts';
export type { StoredAgentMessage } from './agent-protocol.ts';
export { AgentConfig } from './agent-config.ts';
export type { AgentConfigInput } from './agent-config.ts';
export { AgentTokenRequest, ControllerChoiceRequest, CreateUserRequest, LoginRequest, OverrideRequest } from './api.ts';
export { CameraConfig, CameraLaneZone, CameraSource, CountLine, DetectorSettings, GroundCalibration } from './camera.ts';
export type { CameraConfigInput } from './camera.ts';
export type { ApproachLane, ApproachVehicle, ApproachVehicleClass, ApproachView } from './approach-view.ts';
