import { ErrorCode, GreenwaveError } from '@greenwave/contracts';
import type { DriverOptions, FieldDriver } from './field-driver.ts';
import { ModbusDriver } from './modbus-driver.ts';
import { OpcuaDriver } from './opcua-driver.ts';

const bad = (target: string, why: string) =>
  new GreenwaveError(ErrorCode.INVALID_REQUEST, `bad cabinet target "${target}": ${why} (use modbus://host:port[?unit=1], modbus-rtu:/dev/ttyX?baud=9600[&parity=none&data=8&stop=1&unit=1] or opc.tcp://host:port/path#cabinet-id)`, { recoverable: true });

/** A driver for a target address: `modbus://`, `modbus-rtu:` or `opc.tcp://...#<cabinet id>`. */
export function driverFor(target: string, options: DriverOptions = {}): FieldDriver {
  if (target.startsWith('modbus://')) {
    const url = new URL(target);
    const port = Number(url.port || 502);
    if (!url.hostname) throw bad(target, 'no host');
    const unit = Number(url.searchParams.get('unit') ?? 1);
    if (!Number.isInteger(unit) || unit < 0 || unit > 247) throw bad(target, `unit must be 0..247, got ${url.searchParams.get('unit')}`);
    return new ModbusDriver({ kind: 'tcp', host: url.hostname, port }, unit, options);
  }
  if (target.startsWith('modbus-rtu:')) {
    const [path, query = ''] = target.slice('modbus-rtu:'.length).split('?');
    if (!path) throw bad(target, 'no serial device');
    const params = new URLSearchParams(query);
    const baudRate = Number(params.get('baud') ?? 9600);
    if (![1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].includes(baudRate)) throw bad(target, `unsupported baud rate ${params.get('baud')}`);
    const parity = (params.get('parity') ?? 'none') as 'none' | 'even' | 'odd';
    if (!['none', 'even', 'odd'].includes(parity)) throw bad(target, `parity must be none, even or odd`);
    const dataBits = Number(params.get('data') ?? 8) as 7 | 8;
    const stopBits = Number(params.get('stop') ?? 1) as 1 | 2;
    if (![7, 8].includes(dataBits) || ![1, 2].includes(stopBits)) throw bad(target, 'data bits must be 7 or 8, stop bits 1 or 2');
    return new ModbusDriver({ kind: 'rtu', path, baudRate, parity, dataBits, stopBits }, Number(params.get('unit') ?? 1), options);
  }
  if (target.startsWith('opc.tcp://')) {
    const hash = target.indexOf('#');
    if (hash < 0 || hash === target.length - 1) throw bad(target, 'no cabinet id after #');
    return new OpcuaDriver(target.slice(0, hash), decodeURIComponent(target.slice(hash + 1)), options);
  }
  throw bad(target, 'unknown scheme');
}
