import type { Socket as EngineSocket } from 'engine.io';

interface EnginePacket {
  data?: unknown;
}

function sizeOf(packet: EnginePacket): number {
  const { data } = packet;
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/**
 * The bytes an Engine.IO connection holds for its client and has not handed to the kernel yet: packets
 * queued in the engine (a polling client that stopped polling, a websocket still busy with the previous
 * batch) plus what the `ws` socket under a websocket transport has not written. Counted as packets come
 * and go (`packetCreate`, `flush`), so asking costs nothing per message.
 */
export class SocketIoSendBuffer {
  private queued = 0;

  constructor(private readonly conn: EngineSocket) {
    conn.on('packetCreate', (packet: EnginePacket) => {
      this.queued += sizeOf(packet);
    });
    conn.on('flush', (packets: EnginePacket[]) => {
      for (const packet of packets) this.queued -= sizeOf(packet);
      if (this.queued < 0) this.queued = 0;
    });
  }

  get bytes(): number {
    return this.queued + this.transportBytes();
  }

  private transportBytes(): number {
    if (this.conn.transport.name !== 'websocket') return 0;
    // engine.io's websocket transport keeps its `ws` socket in a field its typings call private.
    const ws = (this.conn.transport as unknown as { socket?: { bufferedAmount?: number } }).socket;
    return ws?.bufferedAmount ?? 0;
  }
}
