/**
 * One Polymarket WebSocket channel kept open, as both the market channel (./stream.ts) and the
 * user channel (./user-stream.ts) need it: the subscription sent on every open, a text `PING`
 * every `pingIntervalMs` (the venue expects one about every 10 s), and after a drop a reconnect
 * with back-off (doubling from `reconnectDelayMs` up to 5 s, reset once a connection opens),
 * until `stop()`.
 */
import WebSocket from 'ws';

export interface PolymarketChannelOptions {
  wsUrl: string;
  /** The subscription message, sent as soon as each connection opens. */
  subscription: string;
  pingIntervalMs?: number;
  reconnectDelayMs?: number;
  /**
   * Called for each new connection before it opens; returns the handler of its text frames (a
   * binary frame arrives as '<binary frame>'). State kept per connection lives in that closure;
   * the socket is given so the handler can drop a connection that went wrong (`terminate()`).
   */
  connection(socket: WebSocket): (text: string) => void;
  /** A connection opened and its subscription was sent. */
  onOpen?(): void;
  /** A connection dropped and a reconnect is scheduled (not called once stopped). */
  onDrop?(code: number, reason: string): void;
}

export function keepPolymarketChannel(opts: PolymarketChannelOptions): { stop(): void } {
  let ws: WebSocket | undefined;
  let ping: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const baseDelay = opts.reconnectDelayMs ?? 250;
  let delay = baseDelay;

  const connect = () => {
    if (stopped) return;
    const socket = new WebSocket(opts.wsUrl);
    const onText = opts.connection(socket);
    ws = socket;
    socket.on('open', () => {
      delay = baseDelay;
      socket.send(opts.subscription);
      clearInterval(ping);
      ping = setInterval(() => socket.readyState === socket.OPEN && socket.send('PING'), opts.pingIntervalMs ?? 10_000);
      ping.unref();
      opts.onOpen?.();
    });
    socket.on('message', (data, isBinary) => onText(isBinary ? '<binary frame>' : data.toString()));
    socket.on('close', (code, reason) => {
      // A socket already replaced (or never current) says nothing about the channel.
      if (ws !== socket) return;
      clearInterval(ping);
      if (stopped) return;
      opts.onDrop?.(code, reason.toString());
      retry = setTimeout(connect, delay);
      retry.unref();
      delay = Math.min(delay * 2, 5_000);
    });
    socket.on('error', () => undefined); // 'close' follows and reconnects
  };
  connect();

  return {
    stop() {
      stopped = true;
      clearInterval(ping);
      clearTimeout(retry);
      ws?.close();
    },
  };
}
