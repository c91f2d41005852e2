import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP link on loopback to a real service (here RabbitMQ's STOMP port) that a test can cut and
 * restore, as a network outage would: cut() resets every connection through it and refuses new ones
 * until restore(), which listens again on the same port.
 */
export class TcpLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly targetPort: number,
    public port: number,
  ) {}

  static async open(targetPort: number): Promise<TcpLink> {
    const link = new TcpLink(targetPort, 0);
    await link.listen();
    return link;
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.once('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  /** Resets every connection through the link and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of this.sockets) s.resetAndDestroy();
    await closed;
  }

  restore(): Promise<void> {
    return this.server ? Promise.resolve() : this.listen();
  }

  close(): Promise<void> {
    return this.cut();
  }
}
