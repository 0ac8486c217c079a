import { Socket, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { TraciWriter, TraciReader, type TraciValue, frameCommand, frameMessage } from './codec.ts';
import { COMMAND_NAMES, TRACI } from './constants.ts';
import { TraciCommandError, TraciConnectionError } from './errors.ts';

interface Command {
  id: number;
  payload: Buffer;
  objectId: string;
  /** What follows the status: a get's value, a step's subscription results, the version, or nothing. */
  expects: 'value' | 'subscriptions' | 'subscription' | 'version' | 'none';
}

/** Variables of one object from a subscription, by variable id. */
export type SubscriptionResults = Map<number, Map<string, Map<number, TraciValue>>>;

export interface ConnectOptions {
  port: number;
  host?: string;
  /** Keep trying while SUMO starts up (ms). */
  retryForMs?: number;
  /** Give up on any single reply after this long (ms). */
  replyTimeoutMs?: number;
}

/**
 * TraCI client: big-endian framing, one request in flight, TCP_NODELAY. Method names follow SUMO's Python client
 * (`trafficlight.setRedYellowGreenState` -> `setRedYellowGreenState`). Several commands can go in one message
 * (`batch`) to save round trips; subscriptions deliver lane and detector data with each simulation step.
 */
export class TraciClient {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private waiting: { resolve: (data: Buffer) => void; reject: (error: Error) => void } | null = null;
  private closedError: Error | null = null;
  private batchCommands: Command[] | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly replyTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data) => this.onData(data));
    socket.on('error', (error) => this.fail(new TraciConnectionError(error.message, error)));
    socket.on('close', () => this.fail(new TraciConnectionError('closed by SUMO')));
  }

  static async connect(options: ConnectOptions): Promise<TraciClient> {
    const host = options.host ?? '127.0.0.1';
    const deadline = Date.now() + (options.retryForMs ?? 10_000);
    let lastError: unknown;
    while (Date.now() <= deadline) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect({ port: options.port, host }, () => resolve(s));
          s.once('error', reject);
        });
        return new TraciClient(socket, options.replyTimeoutMs ?? 60_000);
      } catch (error) {
        lastError = error;
        await sleep(100);
      }
    }
    throw new TraciConnectionError(`cannot connect to ${host}:${options.port}: ${(lastError as Error)?.message ?? 'timeout'}`, lastError);
  }

  private onData(data: Buffer): void {
    this.chunks.push(data);
    this.buffered += data.length;
    if (this.buffered < 4) return;
    const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const length = head.readInt32BE(0);
    if (length < 4) return this.fail(new TraciConnectionError(`bad message length ${length}`));
    if (head.length < length) {
      this.chunks.length = 0;
      this.chunks.push(head);
      return;
    }
    const message = head.subarray(4, length);
    const rest = head.subarray(length);
    this.chunks.length = 0;
    this.buffered = rest.length;
    if (rest.length > 0) this.chunks.push(rest);
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting.resolve(message);
    else this.fail(new TraciConnectionError('unexpected message from SUMO'));
  }

  private fail(error: Error): void {
    if (!this.closedError) this.closedError = error;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
  }

  private async exchange(commands: readonly Command[]): Promise<TraciReader> {
    if (this.closedError) throw this.closedError;
    if (this.waiting) throw new TraciConnectionError('a request is already in flight (TraCI is one request at a time)');
    const message = frameMessage(commands.map((c) => frameCommand(c.id, c.payload)));
    const reply = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new TraciConnectionError(`no reply within ${this.replyTimeoutMs} ms`)), this.replyTimeoutMs);
      this.waiting = {
        resolve: (data) => {
          clearTimeout(timer);
          resolve(data);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
    this.socket.write(message);
    return new TraciReader(await reply);
  }

  /** Sends commands and decodes the reply; errors are thrown after the whole reply is read (stream stays in sync). */
  private async run(commands: Command[]): Promise<unknown[]> {
    const reader = await this.exchange(commands);
    const results: unknown[] = [];
    let firstError: TraciCommandError | null = null;
    for (const command of commands) {
      const end = reader.commandEnd();
      const id = reader.ubyte();
      const status = reader.ubyte();
      const description = reader.string();
      reader.offset = end;
      if (id !== command.id) throw new TraciConnectionError(`reply for command 0x${id.toString(16)} where 0x${command.id.toString(16)} was expected`);
      if (status !== TRACI.RTYPE_OK) {
        firstError ??= new TraciCommandError(COMMAND_NAMES[command.id] ?? `0x${command.id.toString(16)}`, command.objectId, description || (status === TRACI.RTYPE_NOTIMPLEMENTED ? 'not implemented' : 'error'));
        results.push(undefined);
        continue;
      }
      results.push(this.readResult(reader, command));
    }
    if (firstError) throw firstError;
    return results;
  }

  private readResult(reader: TraciReader, command: Command): unknown {
    switch (command.expects) {
      case 'none':
        return undefined;
      case 'version': {
        const end = reader.commandEnd();
        reader.ubyte();
        const api = reader.int();
        const version = reader.string();
        reader.offset = end;
        return { api, version };
      }
      case 'value': {
        const end = reader.commandEnd();
        reader.ubyte(); // response id
        reader.ubyte(); // variable
        reader.string(); // object id
        const value = reader.typed();
        reader.offset = end;
        return value;
      }
      case 'subscription': {
        // a subscribe command answers with the current values of the subscription
        const end = reader.commandEnd();
        reader.offset = end;
        return undefined;
      }
      case 'subscriptions': {
        const results: SubscriptionResults = new Map();
        const count = reader.int();
        for (let i = 0; i < count; i++) {
          const end = reader.commandEnd();
          const responseId = reader.ubyte();
          const objectId = reader.string();
          const variables = reader.ubyte();
          const values = new Map<number, TraciValue>();
          for (let v = 0; v < variables; v++) {
            const variable = reader.ubyte();
            const status = reader.ubyte();
            if (status === TRACI.RTYPE_OK) values.set(variable, reader.typed());
            else reader.typed(); // error text
          }
          reader.offset = end;
          let byObject = results.get(responseId);
          if (!byObject) results.set(responseId, (byObject = new Map()));
          byObject.set(objectId, values);
        }
        return results;
      }
    }
  }

  private async one<T>(command: Command): Promise<T> {
    if (this.batchCommands) {
      this.batchCommands.push(command);
      return undefined as T;
    }
    return (await this.run([command]))[0] as T;
  }

  /** Runs every command issued inside `fn` in one message (one round trip); returns their results in order. */
  async batch(fn: () => void): Promise<unknown[]> {
    const commands: Command[] = [];
    this.batchCommands = commands;
    try {
      fn();
    } finally {
      this.batchCommands = null;
    }
    return commands.length === 0 ? [] : this.run(commands);
  }

  private get(id: number, variable: number, objectId: string): Command {
    return { id, payload: new TraciWriter().ubyte(variable).string(objectId).toBuffer(), objectId, expects: 'value' };
  }

  // ------------------------------------------------------------ control

  getVersion(): Promise<{ api: number; version: string }> {
    return this.one({ id: TRACI.CMD_GETVERSION, payload: Buffer.alloc(0), objectId: '', expects: 'version' });
  }

  /** Advances one step (or to `targetTimeS`); returns the subscription results of the new step. */
  simulationStep(targetTimeS = 0): Promise<SubscriptionResults> {
    return this.one({ id: TRACI.CMD_SIMSTEP, payload: new TraciWriter().double(targetTimeS).toBuffer(), objectId: '', expects: 'subscriptions' });
  }

  async close(): Promise<void> {
    if (this.closedError) return;
    try {
      await this.run([{ id: TRACI.CMD_CLOSE, payload: Buffer.alloc(0), objectId: '', expects: 'none' }]);
    } finally {
      this.closedError = new TraciConnectionError('closed');
      this.socket.destroy();
    }
  }

  /** Drops the connection without the close handshake (for shutdown on errors). */
  destroy(): void {
    this.closedError ??= new TraciConnectionError('closed');
    this.socket.destroy();
  }

  // ------------------------------------------------------------ traffic lights

  getTrafficLightIds(): Promise<string[]> {
    return this.one(this.get(TRACI.CMD_GET_TL_VARIABLE, TRACI.TRACI_ID_LIST, ''));
  }
  getRedYellowGreenState(tlsId: string): Promise<string> {
    return this.one(this.get(TRACI.CMD_GET_TL_VARIABLE, TRACI.TL_RED_YELLOW_GREEN_STATE, tlsId));
  }
  getPhase(tlsId: string): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_TL_VARIABLE, TRACI.TL_CURRENT_PHASE, tlsId));
  }
  getProgram(tlsId: string): Promise<string> {
    return this.one(this.get(TRACI.CMD_GET_TL_VARIABLE, TRACI.TL_CURRENT_PROGRAM, tlsId));
  }
  getControlledLanes(tlsId: string): Promise<string[]> {
    return this.one(this.get(TRACI.CMD_GET_TL_VARIABLE, TRACI.TL_CONTROLLED_LANES, tlsId));
  }
  /** Per link index: [incoming lane, outgoing lane, via lane] (SUMO may list several per index). */
  async getControlledLinks(tlsId: string): Promise<[string, string, string][][]> {
    const value = (await this.one<TraciValue[]>(this.get(TRACI.CMD_GET_TL_VARIABLE, TRACI.TL_CONTROLLED_LINKS, tlsId))) as TraciValue[];
    if (!Array.isArray(value)) return value;
    // compound: [signal count, then per signal: link count, then that many string lists]
    const out: [string, string, string][][] = [];
    let i = 1;
    while (i < value.length) {
      const links = value[i++] as number;
      const signal: [string, string, string][] = [];
      for (let k = 0; k < links; k++) signal.push(value[i++] as [string, string, string]);
      out.push(signal);
    }
    return out;
  }
  setRedYellowGreenState(tlsId: string, state: string): Promise<void> {
    return this.one({ id: TRACI.CMD_SET_TL_VARIABLE, payload: new TraciWriter().ubyte(TRACI.TL_RED_YELLOW_GREEN_STATE).string(tlsId).ubyte(TRACI.TYPE_STRING).string(state).toBuffer(), objectId: tlsId, expects: 'none' });
  }
  setPhase(tlsId: string, index: number): Promise<void> {
    return this.one({ id: TRACI.CMD_SET_TL_VARIABLE, payload: new TraciWriter().ubyte(TRACI.TL_PHASE_INDEX).string(tlsId).ubyte(TRACI.TYPE_INTEGER).int(index).toBuffer(), objectId: tlsId, expects: 'none' });
  }
  setProgram(tlsId: string, programId: string): Promise<void> {
    return this.one({ id: TRACI.CMD_SET_TL_VARIABLE, payload: new TraciWriter().ubyte(TRACI.TL_PROGRAM).string(tlsId).ubyte(TRACI.TYPE_STRING).string(programId).toBuffer(), objectId: tlsId, expects: 'none' });
  }

  // ------------------------------------------------------------ lanes, detectors, simulation

  getLaneVehicleNumber(laneId: string): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_LANE_VARIABLE, TRACI.LAST_STEP_VEHICLE_NUMBER, laneId));
  }
  getLaneHaltingNumber(laneId: string): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_LANE_VARIABLE, TRACI.LAST_STEP_VEHICLE_HALTING_NUMBER, laneId));
  }
  getLaneOccupancy(laneId: string): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_LANE_VARIABLE, TRACI.LAST_STEP_OCCUPANCY, laneId));
  }
  getLaneMeanSpeed(laneId: string): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_LANE_VARIABLE, TRACI.LAST_STEP_MEAN_SPEED, laneId));
  }
  getLaneLength(laneId: string): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_LANE_VARIABLE, TRACI.VAR_LENGTH, laneId));
  }
  getInductionLoopVehicleNumber(loopId: string): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_INDUCTIONLOOP_VARIABLE, TRACI.LAST_STEP_VEHICLE_NUMBER, loopId));
  }
  getLaneAreaJamLengthMeters(detectorId: string): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_LANEAREA_VARIABLE, TRACI.JAM_LENGTH_METERS, detectorId));
  }
  getTime(): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_SIM_VARIABLE, TRACI.VAR_TIME, ''));
  }
  getArrivedNumber(): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_SIM_VARIABLE, TRACI.VAR_ARRIVED_VEHICLES_NUMBER, ''));
  }
  getMinExpectedNumber(): Promise<number> {
    return this.one(this.get(TRACI.CMD_GET_SIM_VARIABLE, TRACI.VAR_MIN_EXPECTED_VEHICLES, ''));
  }

  private subscribe(id: number, objectId: string, variables: readonly number[]): Promise<void> {
    const w = new TraciWriter().double(0).double(2_147_483_647).string(objectId).ubyte(variables.length);
    for (const v of variables) w.ubyte(v);
    return this.one({ id, payload: w.toBuffer(), objectId, expects: 'subscription' });
  }

  subscribeLane(laneId: string, variables: readonly number[]): Promise<void> {
    return this.subscribe(TRACI.CMD_SUBSCRIBE_LANE_VARIABLE, laneId, variables);
  }
  subscribeInductionLoop(loopId: string, variables: readonly number[]): Promise<void> {
    return this.subscribe(TRACI.CMD_SUBSCRIBE_INDUCTIONLOOP_VARIABLE, loopId, variables);
  }
  subscribeLaneArea(detectorId: string, variables: readonly number[]): Promise<void> {
    return this.subscribe(TRACI.CMD_SUBSCRIBE_LANEAREA_VARIABLE, detectorId, variables);
  }
  subscribeSimulation(variables: readonly number[]): Promise<void> {
    return this.subscribe(TRACI.CMD_SUBSCRIBE_SIM_VARIABLE, '', variables);
  }
}
