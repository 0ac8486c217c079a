import ModbusRTU from 'modbus-serial';
import type { CabinetPoints } from './cabinet-points.ts';
import { PointWriteError } from './cabinet-points.ts';

type ModbusFailure = { modbusErrorCode: number; msg: string };

function failure(error: unknown): ModbusFailure {
  if (error instanceof PointWriteError) return { modbusErrorCode: error.modbusException, msg: error.message };
  return { modbusErrorCode: 4, msg: error instanceof Error ? error.message : String(error) }; // server device failure
}

/** The modbus-serial vector for one cabinet: decode and dispatch to its point map, nothing else. */
export function modbusVector(points: CabinetPoints) {
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      throw failure(error);
    }
  };
  return {
    getInputRegister: (address: number) => guard(() => points.readRegisters('input', address, 1)[0]!),
    getMultipleInputRegisters: (address: number, length: number) => guard(() => points.readRegisters('input', address, length)),
    getHoldingRegister: (address: number) => guard(() => points.readRegisters('holding', address, 1)[0]!),
    getMultipleHoldingRegisters: (address: number, length: number) => guard(() => points.readRegisters('holding', address, length)),
    setRegister: (address: number, value: number) => guard(() => points.writeRegisters(address, [value])),
    setRegisterArray: (address: number, values: number[]) => guard(() => points.writeRegisters(address, values)),
    getCoil: () => {
      throw { modbusErrorCode: 1, msg: 'coils are not part of the point map' };
    },
    getDiscreteInput: () => {
      throw { modbusErrorCode: 1, msg: 'discrete inputs are not part of the point map' };
    },
    setCoil: () => {
      throw { modbusErrorCode: 1, msg: 'coils are not part of the point map' };
    },
  };
}

export interface ModbusServerHandle {
  address: string;
  close(): Promise<void>;
}

/** A Modbus TCP listener for one cabinet (like one cabinet at one IP address). */
export async function serveModbusTcp(points: CabinetPoints, options: { host?: string; port: number; unitId?: number }): Promise<ModbusServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const server = new ModbusRTU.ServerTCP(modbusVector(points) as never, { host, port: options.port, unitID: options.unitId ?? 1 });
  const events = server as unknown as NodeJS.EventEmitter;
  await new Promise<void>((resolve, reject) => {
    events.on('initialized', () => resolve());
    events.on('serverError', (error: Error) => reject(error));
    events.on('error', (error: Error) => reject(error));
  });
  events.on('socketError', () => {}); // a client dropping its connection is not the cabinet's problem
  return {
    address: `modbus://${host}:${options.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Modbus RTU on a serial device (a pseudo-terminal in tests, RS-485 in the field). */
export async function serveModbusRtu(points: CabinetPoints, options: { path: string; baudRate?: number; unitId?: number }): Promise<ModbusServerHandle> {
  const baudRate = options.baudRate ?? 115200;
  const server = new ModbusRTU.ServerSerial(modbusVector(points) as never, { path: options.path, baudRate, unitID: options.unitId ?? 1 } as never);
  const events = server as unknown as NodeJS.EventEmitter;
  await new Promise<void>((resolve, reject) => {
    events.on('initialized', () => resolve());
    events.on('error', (error: Error) => reject(error));
  });
  return {
    address: `modbus-rtu:${options.path}?baud=${baudRate}&unit=${options.unitId ?? 1}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
