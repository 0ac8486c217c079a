import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy between agents and the centre that can cut connections (both ends reset, as when a cable is pulled
 * and the switch resets) or freeze them (bytes stop flowing, nothing closes: the silent failure).
 */
export class FaultyLink {
  readonly pairs = new Set<{ client: Socket; upstream: Socket; held: [Socket, Buffer][] }>();
  private frozen = false;
  cuts = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<FaultyLink> {
    let link!: FaultyLink;
    const server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      const pair = { client, upstream, held: [] as [Socket, Buffer][] };
      link.pairs.add(pair);
      // bytes are forwarded whole and in order; while frozen they are held back
      const forward = (to: Socket) => (chunk: Buffer) => {
        if (link.frozen) pair.held.push([to, chunk]);
        else to.write(chunk);
      };
      client.on('data', forward(upstream));
      upstream.on('data', forward(client));
      const end = () => {
        link.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    link = new FaultyLink(server, (server.address() as { port: number }).port);
    return link;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resets one connection, chosen by `pick` in [0, 1). */
  cut(pick: number): boolean {
    const all = [...this.pairs];
    const pair = all[Math.floor(pick * all.length)];
    if (!pair) return false;
    this.cuts++;
    pair.client.resetAndDestroy();
    pair.upstream.resetAndDestroy();
    this.pairs.delete(pair);
    return true;
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const p of this.pairs) {
      for (const [to, chunk] of p.held) if (!to.destroyed) to.write(chunk);
      p.held = [];
    }
  }

  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
