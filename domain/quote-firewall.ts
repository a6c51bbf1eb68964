/**
 * The quote firewall: the check every order-book top passes before the signal loop plans a trade
 * on it. A bad quote (old, crossed, locked, one-sided, nonsensical, or a dust-sized best level)
 * would otherwise show up as a phantom edge. Pure: the caller passes the clock (`nowMs`).
 *
 * Malformed input (not a decimal string, missing field) throws a ValidationError naming the field;
 * a well-formed book that is unfit to trade on is a rejection with a countable reason.
 */
import { z } from 'zod';
import { dec, decimalString, decStr, positiveDecimalString, ONE, ZERO, type Dec } from './money';
import { parseOrThrow } from './validation';
import { venueSchema } from './venue';

/** Every reason a quote can be rejected, so metrics can pre-register one counter per reason. */
export const QUOTE_REJECTIONS = ['stale', 'crossed', 'locked', 'empty', 'degenerate', 'micro_price'] as const;
export type QuoteRejection = (typeof QUOTE_REJECTIONS)[number];

const levelSchema = z.tuple([decimalString, decimalString]);

export const bookSnapshotSchema = z.object({
  venue: venueSchema,
  market: z.string().min(1).max(200),
  /** [price, size], best first: bids high to low, asks low to high. */
  bids: z.array(levelSchema),
  asks: z.array(levelSchema),
  /** When our process received the snapshot (epoch ms), not the venue's own timestamp. */
  receivedAtMs: z.number().int().nonnegative(),
  sequence: z.number().int().nonnegative().optional(),
});
export type BookSnapshot = z.infer<typeof bookSnapshotSchema>;

export const quoteFirewallOptionsSchema = z.object({
  maxAgeMs: z.number().int().positive().default(2_000),
  /** Smallest size at the best level worth trusting; below it the top is a dust order. */
  minSize: positiveDecimalString.default('1'),
  /** Binary contracts price strictly between 0 and 1. */
  binary: z.boolean(),
});
export type QuoteFirewallOptions = z.infer<typeof quoteFirewallOptionsSchema>;
export type QuoteFirewallOptionsInput = z.input<typeof quoteFirewallOptionsSchema>;

const nowSchema = z.number().int().nonnegative();

export type QuoteCheck =
  | { ok: true; bestBid: string; bestAsk: string; mid: string; spread: string; bestBidSize: string; bestAskSize: string }
  | { ok: false; reason: QuoteRejection; detail: string };

/** A fresh zeroed counter per reason (a new object each call: no shared mutable state). */
export function emptyRejectionCounts(): Record<QuoteRejection, number> {
  return Object.fromEntries(QUOTE_REJECTIONS.map((r) => [r, 0])) as Record<QuoteRejection, number>;
}

function reject(reason: QuoteRejection, detail: string): QuoteCheck {
  return { ok: false, reason, detail };
}

/** The first thing wrong with one side's ladder, or undefined if it is sane. */
function ladderProblem(side: 'bid' | 'ask', ladder: [Dec, Dec][], binary: boolean): string | undefined {
  for (let i = 0; i < ladder.length; i++) {
    const level = ladder[i];
    if (!level) continue;
    const [price, size] = level;
    if (price.lte(ZERO)) return `${side} level ${i} price ${decStr(price)} is not above 0`;
    if (binary && price.gte(ONE)) return `${side} level ${i} price ${decStr(price)} is not below 1 (binary contract)`;
    if (size.lte(ZERO)) return `${side} level ${i} size ${decStr(size)} is not above 0`;
    const prev = ladder[i - 1];
    // Best first means strictly worse each level; a repeat or reversal means the feed is garbled.
    if (prev && (side === 'bid' ? !price.lt(prev[0]) : !price.gt(prev[0]))) {
      return `${side} ladder is not strictly ${side === 'bid' ? 'decreasing' : 'increasing'} at level ${i} (${decStr(prev[0])} then ${decStr(price)})`;
    }
  }
  return undefined;
}

/**
 * Checks a book top. Order matters for counting: staleness first (an old book's other faults are
 * moot), then emptiness, then structural nonsense, then crossed/locked, then dust at the top.
 */
export function checkQuote(snapshot: BookSnapshot, nowMs: number, options: QuoteFirewallOptionsInput): QuoteCheck {
  const book = parseOrThrow(bookSnapshotSchema, 'book snapshot', snapshot);
  const opts = parseOrThrow(quoteFirewallOptionsSchema, 'quote firewall options', options);
  const now = parseOrThrow(nowSchema, 'nowMs', nowMs);

  const ageMs = now - book.receivedAtMs;
  // A receipt time in the future means the clocks disagree; its real age is unknowable, so it is
  // as untrustworthy as an old quote.
  if (ageMs < 0) return reject('stale', `received ${-ageMs} ms in the future`);
  if (ageMs > opts.maxAgeMs) return reject('stale', `age ${ageMs} ms exceeds ${opts.maxAgeMs} ms`);

  if (book.bids.length === 0 || book.asks.length === 0) {
    const missing = book.bids.length === 0 && book.asks.length === 0 ? 'bids and asks' : book.bids.length === 0 ? 'bids' : 'asks';
    return reject('empty', `no ${missing}`);
  }

  const bids = book.bids.map(([p, s]): [Dec, Dec] => [dec(p), dec(s)]);
  const asks = book.asks.map(([p, s]): [Dec, Dec] => [dec(p), dec(s)]);
  const problem = ladderProblem('bid', bids, opts.binary) ?? ladderProblem('ask', asks, opts.binary);
  if (problem) return reject('degenerate', problem);

  const [bidPrice, bidSize] = bids[0] as [Dec, Dec];
  const [askPrice, askSize] = asks[0] as [Dec, Dec];
  const cmp = bidPrice.cmp(askPrice);
  if (cmp > 0) return reject('crossed', `best bid ${decStr(bidPrice)} above best ask ${decStr(askPrice)}`);
  if (cmp === 0) return reject('locked', `best bid equals best ask at ${decStr(bidPrice)}`);

  const minSize = dec(opts.minSize);
  if (bidSize.lt(minSize)) return reject('micro_price', `best bid size ${decStr(bidSize)} below ${opts.minSize}`);
  if (askSize.lt(minSize)) return reject('micro_price', `best ask size ${decStr(askSize)} below ${opts.minSize}`);

  return {
    ok: true,
    bestBid: decStr(bidPrice),
    bestAsk: decStr(askPrice),
    mid: decStr(bidPrice.plus(askPrice).div(2)),
    spread: decStr(askPrice.minus(bidPrice)),
    bestBidSize: decStr(bidSize),
    bestAskSize: decStr(askSize),
  };
}
