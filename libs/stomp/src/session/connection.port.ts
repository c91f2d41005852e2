/**
 * What a STOMP session needs from a transport: bytes out, a close, and how much is still unsent.
 * WebSocket, every SockJS transport and anything else that carries STOMP implement this; no STOMP
 * code knows which transport it runs on.
 *
 * The transport feeds the session with `session.receive(chunk)` for every inbound message and calls
 * `session.closed()` exactly once when the underlying connection is gone.
 */
export interface Connection {
  /** e.g. 'websocket', 'sockjs-xhr-streaming'; for logs and metrics only. */
  readonly transport: string;
  readonly remoteAddress: string;
  /** The negotiated WebSocket sub-protocol (`v12.stomp` ...), when the transport has one. */
  readonly protocol?: string;
  /**
   * Queues bytes for the peer. `binary` is true when the frame's body is not valid UTF-8; a transport
   * that can only carry text (SockJS) sends it as text anyway.
   */
  send(data: Buffer, binary: boolean): void;
  /** Bytes accepted by send() that the peer has not yet taken (the slow-consumer signal). */
  readonly bufferedBytes: number;
  /** Closes the transport; the transport then calls session.closed(). */
  close(code?: number, reason?: string): void;
  /**
   * Stop and start reading from the peer (inbound flow control: the session pauses while too many of
   * its frames are unanswered). A transport that cannot pause leaves both out; the session then takes
   * every frame as it comes.
   */
  pause?(): void;
  resume?(): void;
}
