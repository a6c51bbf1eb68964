/**
 * Book deltas parsed, validated, sequence-checked and applied per second, per venue, through the
 * same trackers the streams use (no sockets: this measures our side of the feed).
 */
import { createCoinbaseBookTracker } from '../venues/coinbase/stream';
import { createKalshiBookTracker } from '../venues/kalshi/stream';

const N = 200_000;

function rate(apply: (i: number) => void): { deltas: number; perSecond: number } {
  for (let i = 0; i < 5_000; i++) apply(i); // warm-up
  const t = performance.now();
  for (let i = 0; i < N; i++) apply(i);
  const seconds = (performance.now() - t) / 1000;
  return { deltas: N, perSecond: Math.round(N / seconds) };
}

export async function benchBookDeltas(): Promise<Record<string, unknown>> {
  const kalshi = createKalshiBookTracker(() => undefined);
  let seq = 1;
  kalshi.handle(JSON.stringify({ type: 'orderbook_snapshot', sid: 1, seq: seq++, msg: { market_ticker: 'M', yes: [[40, 100], [41, 50]], no: [[55, 100], [57, 30]] } }));
  // Each level gets +5 then −5 straight after, so no delta ever takes a size below 0 (the tracker rejects those).
  const kalshiMsgs = Array.from({ length: 64 }, (_, i) => ({ price: 30 + ((i >> 1) % 20), side: (i >> 1) % 2 ? 'yes' : 'no', delta: i % 2 ? -5 : 5 }));
  const kalshiRate = rate((i) => {
    const m = kalshiMsgs[i % 64]!;
    const event = kalshi.handle(JSON.stringify({ type: 'orderbook_delta', sid: 1, seq: seq++, msg: { market_ticker: 'M', price: m.price, delta: m.delta, side: m.side } }));
    if (event?.type !== 'book') throw new Error(`kalshi delta not applied: ${JSON.stringify(event)}`);
  });

  const coinbase = createCoinbaseBookTracker();
  let cseq = 0;
  coinbase.handle(JSON.stringify({ channel: 'l2_data', sequence_num: cseq++, events: [{ type: 'snapshot', product_id: 'BTC-USD', updates: [{ side: 'bid', price_level: '97000.00', new_quantity: '1' }] }] }));
  const coinbaseRate = rate((i) => {
    const [event] = coinbase.handle(
      JSON.stringify({
        channel: 'l2_data',
        sequence_num: cseq++,
        events: [{ type: 'update', product_id: 'BTC-USD', updates: [{ side: i % 2 ? 'bid' : 'offer', price_level: (97000 + (i % 50)).toFixed(2), new_quantity: i % 7 ? `0.${i % 7}` : '0' }] }],
      }),
    );
    if (event?.type !== 'book') throw new Error(`coinbase update not applied: ${JSON.stringify(event)}`);
  });
  return { what: 'book deltas parsed (JSON + zod), sequence-checked and applied per second, one core', kalshi: kalshiRate, coinbase: coinbaseRate };
}
