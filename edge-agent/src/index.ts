export { FieldDeviceError } from './drivers/errors.ts';
export type { FieldErrorKind } from './drivers/errors.ts';
export { FieldDriver, STATUS_POINTS } from './drivers/field-driver.ts';
export type { CabinetStatusReading, DriverOptions, PointValue } from './drivers/field-driver.ts';
export { ModbusDriver } from './drivers/modbus-driver.ts';
export type { ModbusTransport } from './drivers/modbus-driver.ts';
export { OpcuaDriver } from './drivers/opcua-driver.ts';
export { driverFor } from './drivers/target.ts';
