import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POINTS, type PointDef } from '@greenwave/contracts';
import { type CabinetPoints, PointWriteError } from './cabinet-points.ts';

/** node-opcua keeps its certificates (PKI) under XDG_CONFIG_HOME: keep them in the project's data folder. */
function usePkiFolder(): void {
  if (process.env.XDG_CONFIG_HOME) return;
  const folder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'data', 'opcua');
  mkdirSync(folder, { recursive: true });
  process.env.XDG_CONFIG_HOME = folder;
}

export const OPCUA_RESOURCE_PATH = '/greenwave';

/** Node id of a point of a cabinet: `ns=1;s=<intersection id>.<browse path joined by dots>`. */
export function pointNodeId(cabinetId: string, def: PointDef): string {
  return `ns=1;s=${cabinetId}.${def.opcuaPath.join('.')}`;
}

export interface OpcuaServerHandle {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * One OPC UA server hosting many cabinets (a server costs ~130 MB and ~1 s to start, so not one per cabinet). Each
 * cabinet is an object `Cabinets/<id>` of type TrafficCabinetType with the point map's folders and variables, read
 * live and written through the cabinet's point map; subscriptions sample status variables every 50 ms.
 */
export async function serveOpcua(cabinets: readonly { id: string; points: CabinetPoints }[], options: { port: number; host?: string }): Promise<OpcuaServerHandle> {
  usePkiFolder();
  const opcua = await import('node-opcua');
  const { OPCUAServer, Variant, DataType, StatusCodes } = opcua;
  const server = new OPCUAServer({
    port: options.port,
    hostname: options.host ?? '127.0.0.1',
    resourcePath: OPCUA_RESOURCE_PATH,
    buildInfo: { productName: 'greenwave emulated cabinets', manufacturerName: 'greenwave' },
    allowAnonymous: true,
    securityModes: [opcua.MessageSecurityMode.None],
    securityPolicies: [opcua.SecurityPolicy.None],
    // one server hosts a whole city's OPC UA cabinets, each with its own client session
    maxConnectionsPerEndpoint: 1000,
    maxAllowedSessionNumber: 1000,
    serverCapabilities: { maxSessions: 1000 },
  } as never);
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const ns = addressSpace.getOwnNamespace();
  const cabinetType = ns.addObjectType({ browseName: 'TrafficCabinetType', description: 'A signal cabinet as in the greenwave point map (NTCIP 1202 shaped)' });
  const root = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Cabinets', nodeId: 's=Cabinets' });
  const dataType = (def: PointDef) => ({ UInt16: DataType.UInt16, UInt32: DataType.UInt32, Double: DataType.Double, String: DataType.String })[def.opcuaType];
  for (const { id, points } of cabinets) {
    const cabinet = ns.addObject({ organizedBy: root, browseName: id, nodeId: `s=${id}`, typeDefinition: cabinetType });
    const folders = new Map<string, ReturnType<typeof ns.addObject>>();
    const parentOf = (path: string[]) => {
      let parent = cabinet;
      for (let i = 0; i < path.length - 1; i++) {
        const key = path.slice(0, i + 1).join('.');
        let node = folders.get(key);
        if (!node) {
          node = ns.addObject({ componentOf: parent, browseName: path[i]!, nodeId: `s=${id}.${key}` });
          folders.set(key, node);
        }
        parent = node;
      }
      return parent;
    };
    for (const def of POINTS) {
      const variant = () => new Variant({ dataType: dataType(def), value: points.value(def) });
      const writable = def.area === 'holding';
      const common = {
        componentOf: parentOf(def.opcuaPath),
        browseName: def.opcuaPath.at(-1)!,
        nodeId: pointNodeId(id, def).replace(/^ns=1;/, ''),
        description: def.description,
        dataType: dataType(def),
        // read live on every read; subscriptions sample status every 50 ms
        minimumSamplingInterval: def.group === 'status' ? 50 : 200,
        accessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
        userAccessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      } as const;
      const binding = {
        get: variant,
        ...(writable
          ? {
              set: (v: { value: unknown }) => {
                try {
                  points.writeValues(new Map([[def.id, v.value as number | string]]));
                  return StatusCodes.Good;
                } catch (error) {
                  return error instanceof PointWriteError && error.modbusException === 2 ? StatusCodes.BadNodeIdUnknown : StatusCodes.BadOutOfRange;
                }
              },
            }
          : {}),
      };
      const unit = def.unit === 's' ? opcua.standardUnits.second : def.unit === '%' ? opcua.standardUnits.percent : undefined;
      if (def.opcuaType === 'Double' && unit) {
        ns.addAnalogDataItem({ ...common, engineeringUnitsRange: { low: def.min, high: def.max }, engineeringUnits: unit, value: binding } as never);
      } else {
        ns.addVariable({ ...common, value: binding } as never);
      }
    }
  }
  await server.start();
  const endpoint = `opc.tcp://${options.host ?? '127.0.0.1'}:${options.port}${OPCUA_RESOURCE_PATH}`;
  return { endpoint, close: () => server.shutdown(0) };
}
