import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PointDef } from '@greenwave/contracts';
import type { ClientSession, OPCUAClient } from 'node-opcua';
import { FieldDeviceError } from './errors.ts';
import { type DriverOptions, FieldDriver, type PointValue, STATUS_POINTS } from './field-driver.ts';

type OpcuaModule = typeof import('node-opcua');

/** node-opcua keeps its certificates under XDG_CONFIG_HOME; keep the client's away from the user's home. */
function usePkiFolder(): void {
  if (process.env.XDG_CONFIG_HOME) return;
  const folder = join(tmpdir(), 'greenwave-opcua');
  mkdirSync(folder, { recursive: true });
  process.env.XDG_CONFIG_HOME = folder;
}

/**
 * OPC UA: one session per cabinet object (`Cabinets/<id>` on the server); points are variables with engineering
 * values; several points are read or written in one service call; status can also arrive by subscription.
 */
export class OpcuaDriver extends FieldDriver {
  readonly address: string;
  private opcua: OpcuaModule | null = null;
  private client: OPCUAClient | null = null;
  private session: ClientSession | null = null;
  private subscription: { terminate(): Promise<void> } | null = null;

  constructor(
    private readonly endpoint: string,
    private readonly cabinetId: string,
    options: DriverOptions = {},
  ) {
    super(options);
    this.address = `${endpoint}#${cabinetId}`;
  }

  get connected(): boolean {
    return this.session !== null;
  }

  private nodeId(def: PointDef): string {
    return `ns=1;s=${this.cabinetId}.${def.opcuaPath.join('.')}`;
  }

  protected async open(): Promise<void> {
    await this.shut();
    const epoch = this.epoch;
    usePkiFolder();
    this.opcua ??= await import('node-opcua');
    const o = this.opcua;
    const client = o.OPCUAClient.create({
      endpointMustExist: false,
      securityMode: o.MessageSecurityMode.None,
      securityPolicy: o.SecurityPolicy.None,
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      requestedSessionTimeout: 60_000,
      transportTimeout: Math.max(2000, this.timeoutMs * 4),
      keepSessionAlive: true,
    });
    let session: ClientSession | undefined;
    let gaveUp = false;
    const release = async () => {
      await session?.close().catch(() => {});
      await client.disconnect().catch(() => {});
    };
    try {
      await this.withTimeout('', client.connect(this.endpoint));
      await this.ensureNotClosedSince(epoch, release);
      const creating = client.createSession();
      // a session the server grants after we gave up waiting must still be closed, or its keep-alive runs on
      creating.then((late) => (gaveUp ? late.close().catch(() => {}) : undefined)).catch(() => {});
      session = await this.withTimeout('', creating);
      await this.ensureNotClosedSince(epoch, release);
    } catch (error) {
      gaveUp = true;
      await release();
      if (error instanceof FieldDeviceError) throw error;
      throw new FieldDeviceError('connection', this.address, '', `cannot connect: ${(error as Error).message}`, error);
    }
    this.client = client;
    this.session = session!;
    client.on('connection_lost', () => {
      if (this.session === session) this.session = null;
    });
    // the cabinet object must exist on this server
    const check = await this.withTimeout('', session!.read({ nodeId: `ns=1;s=${this.cabinetId}`, attributeId: o.AttributeIds.BrowseName }));
    if (!check.statusCode.isGood()) {
      await this.shut();
      throw new FieldDeviceError('exception', this.address, '', `no cabinet "${this.cabinetId}" on ${this.endpoint} (${check.statusCode.name})`);
    }
  }

  protected async shut(): Promise<void> {
    const client = this.client;
    const session = this.session;
    this.client = null;
    this.session = null;
    await this.subscription?.terminate().catch(() => {});
    this.subscription = null;
    await session?.close().catch(() => {});
    await client?.disconnect().catch(() => {});
  }

  private async withTimeout<T>(pointId: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        promise,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new FieldDeviceError('timeout', this.address, pointId, `no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
    } catch (error) {
      if (error instanceof FieldDeviceError) throw error;
      this.session = null; // the retry's shut() then closes the client; the next attempt opens a new one
      throw new FieldDeviceError('connection', this.address, pointId, (error as Error).message, error);
    } finally {
      clearTimeout(timer);
    }
  }

  protected async readRaw(defs: readonly PointDef[]): Promise<PointValue[]> {
    const o = this.opcua!;
    const label = defs.length === 1 ? defs[0]!.id : '';
    const results = await this.withTimeout(label, this.session!.read(defs.map((d) => ({ nodeId: this.nodeId(d), attributeId: o.AttributeIds.Value }))));
    return results.map((r, i) => {
      if (!r.statusCode.isGood()) throw new FieldDeviceError('exception', this.address, defs[i]!.id, `read refused: ${r.statusCode.name}`);
      const v = r.value.value as PointValue;
      return typeof v === 'number' ? Math.round(v * 1000) / 1000 : v;
    });
  }

  protected async writeRaw(values: readonly [PointDef, PointValue][]): Promise<void> {
    const o = this.opcua!;
    const dataType = (d: PointDef) => ({ UInt16: o.DataType.UInt16, UInt32: o.DataType.UInt32, Double: o.DataType.Double, String: o.DataType.String })[d.opcuaType];
    // written in the order given (plan before control), in one service call
    const label = values.length === 1 ? values[0]![0].id : '';
    const results = await this.withTimeout(
      label,
      this.session!.write(values.map(([d, v]) => ({ nodeId: this.nodeId(d), attributeId: o.AttributeIds.Value, value: { value: new o.Variant({ dataType: dataType(d), value: v }) } }))),
    );
    results.forEach((status, i) => {
      if (!status.isGood()) throw new FieldDeviceError('exception', this.address, values[i]![0].id, `write refused: ${status.name}`);
    });
  }

  /** Status changes pushed by the server (OPC UA subscription); returns a function that stops them. */
  async subscribeStatus(onChange: (pointId: string, value: PointValue) => void, publishingIntervalMs = 100): Promise<() => Promise<void>> {
    if (!this.connected) await this.connect();
    const o = this.opcua!;
    const subscription = o.ClientSubscription.create(this.session!, {
      requestedPublishingInterval: publishingIntervalMs,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 20,
      maxNotificationsPerPublish: 1000,
      publishingEnabled: true,
      priority: 10,
    });
    this.subscription = subscription;
    for (const def of STATUS_POINTS) {
      const item = o.ClientMonitoredItem.create(subscription, { nodeId: this.nodeId(def), attributeId: o.AttributeIds.Value }, { samplingInterval: 0, discardOldest: true, queueSize: 10 }, o.TimestampsToReturn.Neither);
      item.on('changed', (dataValue) => onChange(def.id, dataValue.value.value as PointValue));
    }
    return async () => {
      await subscription.terminate().catch(() => {});
      if (this.subscription === subscription) this.subscription = null;
    };
  }
}
