import { ErrorCode, GreenwaveError } from './errors.ts';
import type { UnitMode } from './signal.ts';

/**
 * greenwave's field-device point map: the NTCIP-1202-shaped objects of a signal cabinet, one definition that yields
 * the Modbus register layout (input registers read-only, holding registers read/write; 16-bit registers, 32-bit values
 * as two registers high word first, text as ASCII two characters per register) and the OPC UA object type (browse
 * names, data types, engineering units). docs/point-map.md is generated from this file.
 */
export const POINT_MAP_VERSION = 1;
export const MAP_PHASES = 16;
export const MAP_DETECTORS = 32;

export type PointArea = 'input' | 'holding';
export type PointType = 'uint16' | 'uint32' | 'bitmap16' | 'enum16' | 'ascii';
export type PointGroup = 'identity' | 'status' | 'detectors' | 'control' | 'plan' | 'timing';
export type OpcuaDataType = 'UInt16' | 'UInt32' | 'Double' | 'String';

export interface PointDef {
  /** Stable name, e.g. `status.greens`, `timing.phase03.yellow`, `detectors.det05.count`. */
  id: string;
  group: PointGroup;
  area: PointArea;
  /** First register (protocol address, 0-based). */
  address: number;
  type: PointType;
  registers: number;
  /** Engineering value = raw x scale (0.1 for tenths of a second). */
  scale: number;
  unit: string;
  /** Engineering range (for text: maximum length). */
  min: number;
  max: number;
  description: string;
  /** OPC UA: browse path below the cabinet object, and the variable's data type. */
  opcuaPath: string[];
  opcuaType: OpcuaDataType;
  /** Enumerated values, for enum16 points. */
  values?: readonly string[];
  phase?: number;
  detector?: number;
}

export const UNIT_MODE_CODES: readonly UnitMode[] = ['off', 'fixed', 'actuated', 'centre', 'flash'];
export const PLAN_COMMANDS = ['none', 'apply-downloaded-plan', 'revert-to-stored-plan'] as const;

const pad2 = (n: number) => String(n).padStart(2, '0');

function buildPoints(): PointDef[] {
  const points: PointDef[] = [];
  const add = (p: Omit<PointDef, 'registers' | 'opcuaType'> & { registers?: number; opcuaType?: OpcuaDataType }) => {
    const registers = p.registers ?? (p.type === 'uint32' ? 2 : 1);
    const opcuaType = p.opcuaType ?? (p.type === 'ascii' ? 'String' : p.scale !== 1 ? 'Double' : p.type === 'uint32' ? 'UInt32' : 'UInt16');
    points.push({ ...p, registers, opcuaType });
  };
  // identity: input registers 0..
  add({ id: 'identity.mapVersion', group: 'identity', area: 'input', address: 0, type: 'uint16', scale: 1, unit: '', min: 1, max: 65535, description: 'Version of this point map', opcuaPath: ['Identity', 'MapVersion'] });
  add({ id: 'identity.vendor', group: 'identity', area: 'input', address: 1, type: 'ascii', registers: 8, scale: 1, unit: '', min: 0, max: 16, description: 'Vendor (ASCII, 16 characters)', opcuaPath: ['Identity', 'Vendor'] });
  add({ id: 'identity.firmware', group: 'identity', area: 'input', address: 9, type: 'ascii', registers: 8, scale: 1, unit: '', min: 0, max: 16, description: 'Firmware version (ASCII, 16 characters)', opcuaPath: ['Identity', 'Firmware'] });
  add({ id: 'identity.intersectionId', group: 'identity', area: 'input', address: 17, type: 'ascii', registers: 24, scale: 1, unit: '', min: 0, max: 48, description: 'Intersection id configured in the cabinet (ASCII, 48 characters)', opcuaPath: ['Identity', 'IntersectionId'] });
  add({ id: 'identity.phaseCount', group: 'identity', area: 'input', address: 41, type: 'uint16', scale: 1, unit: '', min: 0, max: MAP_PHASES, description: 'Phases in use', opcuaPath: ['Identity', 'PhaseCount'] });
  add({ id: 'identity.detectorCount', group: 'identity', area: 'input', address: 42, type: 'uint16', scale: 1, unit: '', min: 0, max: MAP_DETECTORS, description: 'Detector channels in use', opcuaPath: ['Identity', 'DetectorCount'] });
  // a phase bitmap: status (read-only) or control (written by the centre)
  const bitmapPoint = (group: 'status' | 'control', id: string, address: number, description: string, name: string) =>
    add({ id, group, area: group === 'status' ? 'input' : 'holding', address, type: 'bitmap16', scale: 1, unit: 'bits', min: 0, max: 65535, description, opcuaPath: [group === 'status' ? 'Status' : 'Control', name] });
  // status: input registers 100..
  const bitmap = (id: string, address: number, description: string, name: string) => bitmapPoint('status', id, address, description, name);
  bitmap('status.greens', 100, 'Phases showing green (bit 0 = phase 1)', 'Greens');
  bitmap('status.yellows', 101, 'Phases showing yellow', 'Yellows');
  bitmap('status.reds', 102, 'Phases showing red (red clearance included)', 'Reds');
  bitmap('status.redClearances', 103, 'Phases in red clearance', 'RedClearances');
  bitmap('status.walks', 104, 'Phases showing walk', 'Walks');
  add({ id: 'status.unitMode', group: 'status', area: 'input', address: 105, type: 'enum16', scale: 1, unit: '', min: 0, max: UNIT_MODE_CODES.length - 1, values: UNIT_MODE_CODES, description: `Mode in force: ${UNIT_MODE_CODES.map((m, i) => `${i} ${m}`).join(', ')}`, opcuaPath: ['Status', 'UnitMode'] });
  add({ id: 'status.flashLatched', group: 'status', area: 'input', address: 106, type: 'uint16', scale: 1, unit: '', min: 0, max: 1, description: '1 while in latched flash (conflict monitor); only a reset clears it', opcuaPath: ['Status', 'FlashLatched'] });
  add({ id: 'status.faultCode', group: 'status', area: 'input', address: 107, type: 'uint16', scale: 1, unit: '', min: 0, max: 65535, description: 'Fault / flash cause: 0 none, 1 conflicting request, 2 conflicting outputs, 3 manual flash, 4 timing violation', opcuaPath: ['Status', 'FaultCode'] });
  add({ id: 'status.planSource', group: 'status', area: 'input', address: 108, type: 'uint16', scale: 1, unit: '', min: 0, max: 1, description: 'Fixed plan in force: 0 stored, 1 downloaded', opcuaPath: ['Status', 'PlanSource'] });
  add({ id: 'status.testMode', group: 'status', area: 'input', address: 109, type: 'uint16', scale: 1, unit: '', min: 0, max: 1, description: '1 when the cabinet’s test switch is on (phase walk allowed)', opcuaPath: ['Status', 'TestMode'] });
  add({ id: 'status.heartbeatEcho', group: 'status', area: 'input', address: 110, type: 'uint16', scale: 1, unit: '', min: 0, max: 65535, description: 'Last heartbeat counter received', opcuaPath: ['Status', 'HeartbeatEcho'] });
  add({ id: 'status.sinceHeartbeat', group: 'status', area: 'input', address: 111, type: 'uint16', scale: 0.1, unit: 's', min: 0, max: 6553.5, description: 'Time since the last heartbeat (capped)', opcuaPath: ['Status', 'SinceHeartbeat'] });
  add({ id: 'status.clock', group: 'status', area: 'input', address: 112, type: 'uint32', scale: 0.1, unit: 's', min: 0, max: 429496729.5, description: 'Cabinet clock since power-up', opcuaPath: ['Status', 'Clock'] });
  add({ id: 'status.watchdogTimeout', group: 'status', area: 'input', address: 114, type: 'uint16', scale: 1, unit: 's', min: 1, max: 600, description: 'Centre watchdog: stored plan after this long without a heartbeat', opcuaPath: ['Status', 'WatchdogTimeout'] });
  // detectors: input registers 200.., 4 per channel
  for (let d = 1; d <= MAP_DETECTORS; d++) {
    const base = 200 + (d - 1) * 4;
    const name = `Det${pad2(d)}`;
    add({ id: `detectors.det${pad2(d)}.count`, group: 'detectors', area: 'input', address: base, type: 'uint32', scale: 1, unit: 'vehicles', min: 0, max: 4294967295, description: `Detector ${d}: vehicles counted since power-up (wraps)`, opcuaPath: ['Detectors', name, 'Count'], detector: d });
    add({ id: `detectors.det${pad2(d)}.occupancy`, group: 'detectors', area: 'input', address: base + 2, type: 'uint16', scale: 0.1, unit: '%', min: 0, max: 100, description: `Detector ${d}: occupancy over the last second`, opcuaPath: ['Detectors', name, 'Occupancy'], detector: d });
    add({ id: `detectors.det${pad2(d)}.presence`, group: 'detectors', area: 'input', address: base + 3, type: 'uint16', scale: 1, unit: '', min: 0, max: 1, description: `Detector ${d}: 1 while a vehicle is present`, opcuaPath: ['Detectors', name, 'Presence'], detector: d });
  }
  // control: holding registers 1000..
  const control = (id: string, address: number, description: string, name: string) => bitmapPoint('control', id, address, description, name);
  control('control.hold', 1000, 'Hold these phases green', 'Hold');
  control('control.forceOff', 1001, 'End these phases’ green as soon as min green allows', 'ForceOff');
  control('control.vehicleCall', 1002, 'Vehicle calls', 'VehicleCall');
  control('control.pedCall', 1003, 'Pedestrian calls', 'PedCall');
  control('control.omit', 1004, 'Omit these phases', 'Omit');
  control('control.stage', 1005, 'Serve exactly these phases next (0 = none); conflicting phases latch flash', 'Stage');
  add({ id: 'control.unitMode', group: 'control', area: 'holding', address: 1006, type: 'enum16', scale: 1, unit: '', min: 0, max: UNIT_MODE_CODES.length - 1, values: UNIT_MODE_CODES, description: `Requested mode: ${UNIT_MODE_CODES.map((m, i) => `${i} ${m}`).join(', ')}`, opcuaPath: ['Control', 'UnitMode'] });
  add({ id: 'control.heartbeat', group: 'control', area: 'holding', address: 1007, type: 'uint16', scale: 1, unit: '', min: 0, max: 65535, description: 'Centre heartbeat: write a new value (e.g. a counter) at least every watchdog period', opcuaPath: ['Control', 'Heartbeat'] });
  add({ id: 'control.watchdogTimeout', group: 'control', area: 'holding', address: 1008, type: 'uint16', scale: 1, unit: 's', min: 1, max: 600, description: 'Centre watchdog timeout', opcuaPath: ['Control', 'WatchdogTimeout'] });
  add({ id: 'control.reset', group: 'control', area: 'holding', address: 1009, type: 'uint16', scale: 1, unit: '', min: 0, max: 1, description: 'Write 1 to clear a latched flash (reads 0)', opcuaPath: ['Control', 'Reset'] });
  add({ id: 'control.planCommand', group: 'control', area: 'holding', address: 1010, type: 'enum16', scale: 1, unit: '', min: 0, max: PLAN_COMMANDS.length - 1, values: PLAN_COMMANDS, description: `Write ${PLAN_COMMANDS.map((c, i) => `${i} ${c}`).join(', ')} (reads 0)`, opcuaPath: ['Control', 'PlanCommand'] });
  // plan: holding registers 1100..
  add({ id: 'plan.cycle', group: 'plan', area: 'holding', address: 1100, type: 'uint16', scale: 0.1, unit: 's', min: 0, max: 300, description: 'Downloaded plan: cycle', opcuaPath: ['Plan', 'Cycle'] });
  add({ id: 'plan.offset', group: 'plan', area: 'holding', address: 1101, type: 'uint16', scale: 0.1, unit: 's', min: 0, max: 300, description: 'Downloaded plan: offset', opcuaPath: ['Plan', 'Offset'] });
  for (let p = 1; p <= MAP_PHASES; p++) {
    add({ id: `plan.split${pad2(p)}`, group: 'plan', area: 'holding', address: 1101 + p, type: 'uint16', scale: 0.1, unit: 's', min: 0, max: 300, description: `Downloaded plan: split of phase ${p} (0 = not in the plan)`, opcuaPath: ['Plan', `Split${pad2(p)}`], phase: p });
  }
  // timing: holding registers 2000.., 8 per phase (NTCIP 1202 phase table)
  for (let p = 1; p <= MAP_PHASES; p++) {
    const base = 2000 + (p - 1) * 8;
    const name = `Phase${pad2(p)}`;
    const t = (field: string, offset: number, scale: number, min: number, max: number, description: string, browse: string) =>
      add({ id: `timing.phase${pad2(p)}.${field}`, group: 'timing', area: 'holding', address: base + offset, type: 'uint16', scale, unit: 's', min, max, description: `Phase ${p}: ${description}`, opcuaPath: ['Timing', name, browse], phase: p });
    t('minGreen', 0, 1, 0, 60, 'minimum green (phaseMinimumGreen)', 'MinGreen');
    t('passage', 1, 0.1, 0, 10, 'passage (phasePassage)', 'Passage');
    t('maxGreen', 2, 1, 0, 255, 'maximum green (phaseMaximum1)', 'MaxGreen');
    t('yellow', 3, 0.1, 0, 6, 'yellow change (phaseYellowChange)', 'Yellow');
    t('redClearance', 4, 0.1, 0, 6, 'red clearance (phaseRedClear)', 'RedClearance');
    t('walk', 5, 1, 0, 60, 'walk (phaseWalk)', 'Walk');
    t('pedClearance', 6, 1, 0, 60, 'pedestrian clearance (phasePedestrianClear)', 'PedClearance');
  }
  return points;
}

export const POINTS: readonly PointDef[] = buildPoints();
export const POINT_BY_ID: ReadonlyMap<string, PointDef> = new Map(POINTS.map((p) => [p.id, p]));

export function point(id: string): PointDef {
  const p = POINT_BY_ID.get(id);
  if (!p) throw new GreenwaveError(ErrorCode.NOT_FOUND, `no point "${id}" in point map v${POINT_MAP_VERSION}`);
  return p;
}

/** Registers of a point from its engineering value; throws naming the point when the value is out of range. */
export function encodePoint(def: PointDef, value: number | string): number[] {
  if (def.type === 'ascii') {
    const text = String(value);
    if (text.length > def.max) throw new GreenwaveError(ErrorCode.INVALID_REQUEST, `${def.id}: text longer than ${def.max} characters`);
    const regs: number[] = [];
    for (let i = 0; i < def.registers; i++) regs.push(((text.charCodeAt(2 * i) & 0x7f || 0) << 8) | (text.charCodeAt(2 * i + 1) & 0x7f || 0));
    return regs;
  }
  const v = Number(value);
  if (!Number.isFinite(v) || v < def.min - 1e-9 || v > def.max + 1e-9) {
    throw new GreenwaveError(ErrorCode.INVALID_REQUEST, `${def.id}: ${value} is outside ${def.min}..${def.max}${def.unit ? ` ${def.unit}` : ''}`);
  }
  const raw = Math.round(v / def.scale);
  if (def.type === 'uint32') return [Math.floor(raw / 65536) & 0xffff, raw & 0xffff];
  return [raw & 0xffff];
}

/** Engineering value of a point from its registers. */
export function decodePoint(def: PointDef, registers: readonly number[]): number | string {
  if (registers.length < def.registers) throw new GreenwaveError(ErrorCode.INVALID_MESSAGE, `${def.id}: needs ${def.registers} register(s), got ${registers.length}`);
  if (def.type === 'ascii') {
    let text = '';
    for (let i = 0; i < def.registers; i++) {
      const r = registers[i]!;
      text += String.fromCharCode((r >> 8) & 0x7f, r & 0x7f);
    }
    return text.replace(/\0+$/g, '');
  }
  const raw = def.type === 'uint32' ? registers[0]! * 65536 + registers[1]! : registers[0]!;
  return Math.round(raw * def.scale * 1000) / 1000;
}

/** The Modbus table and OPC UA names as Markdown, for technicians (docs/point-map.md). */
export function pointMapMarkdown(): string {
  const lines = [
    `# greenwave field-device point map, version ${POINT_MAP_VERSION}`,
    '',
    'Generated from `contracts/src/point-map.ts` by `pnpm gen-docs`; do not edit. Modbus addresses are 0-based protocol',
    'addresses (input registers: function 04, read-only; holding registers: functions 03, 06, 16). 32-bit values take two',
    'registers, high word first; text is ASCII, two characters per register, high byte first. OPC UA: each cabinet is an',
    'object `Cabinets/<intersection id>` of type `TrafficCabinetType` in the server’s namespace; variables carry engineering',
    'values (scaled) with their EngineeringUnits.',
    '',
    '| point | Modbus | registers | type | scale | unit | range | OPC UA browse path (data type) | meaning |',
    '|---|---|---:|---|---:|---|---|---|---|',
  ];
  for (const p of POINTS) {
    const area = p.area === 'input' ? 'IR' : 'HR';
    lines.push(`| \`${p.id}\` | ${area} ${p.address} | ${p.registers} | ${p.type} | ${p.scale} | ${p.unit} | ${p.min}–${p.max} | ${p.opcuaPath.join('/')} (${p.opcuaType}) | ${p.description} |`);
  }
  return `${lines.join('\n')}\n`;
}
