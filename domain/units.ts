/**
 * Exact conversion between each venue's units and ours (decimal strings of dollars/USDC per
 * contract or unit, and of contracts/shares/base units), both ways. Nothing is rounded unless the
 * function's name says so; a value that does not fit the venue's unit is an error naming it.
 */
import { dec, decStr, type Dec } from './money';

function exactInteger(value: Dec, what: string): bigint {
  if (!value.isInteger()) throw new Error(`${what} ${decStr(value)} is not a whole number of the venue's unit`);
  return BigInt(value.toFixed(0));
}

// ---------- Kalshi: prices in cents (1–99) or dollar strings; counts whole or fixed-point ----------

export function kalshiCentsToPrice(cents: number): string {
  if (!Number.isInteger(cents) || cents < 1 || cents > 99) throw new Error(`Kalshi price ${cents}¢ is outside 1–99`);
  return decStr(dec(String(cents)).div(100));
}

export function priceToKalshiCents(price: string): number {
  const cents = dec(price).times(100);
  if (!cents.isInteger() || cents.lt(1) || cents.gt(99)) throw new Error(`price ${price} is not a whole number of cents in 1–99 (Kalshi)`);
  return cents.toNumber();
}

/** Kalshi's `*_dollars` fields ("0.4200") → our price. */
export function kalshiDollarsToPrice(dollars: string): string {
  return decStr(dec(dollars));
}

/** Our price → Kalshi's 4-decimal dollar string. */
export function priceToKalshiDollars(price: string): string {
  const p = dec(price);
  if (p.decimalPlaces() > 4) throw new Error(`price ${price} has more than 4 decimals (Kalshi dollar strings)`);
  return p.toFixed(4);
}

/** Kalshi's fixed-point counts ("10.00") → our quantity; whole counts pass through. */
export function kalshiCountToQuantity(count: string | number): string {
  return decStr(dec(String(count)));
}

export function quantityToKalshiCount(quantity: string): number {
  return Number(exactInteger(dec(quantity), 'Kalshi count'));
}

// ---------- Polymarket: 6-decimal integer amounts; price from maker/taker amounts ----------

export const POLYMARKET_DECIMALS = 6;
const SCALE = dec('1000000');

export function toPolymarketUnits(value: string): bigint {
  return exactInteger(dec(value).times(SCALE), `amount ${value} × 10^6`);
}

export function fromPolymarketUnits(units: bigint | string): string {
  return decStr(dec(units.toString()).div(SCALE));
}

/**
 * Maker/taker amounts of a limit order (what the maker gives and gets), in 6-decimal units.
 * BUY `size` shares at `price`: gives size × price USDC, gets size shares. SELL: the reverse.
 * The price must sit on the market's tick; size × price must be a whole number of micro-USDC.
 */
export function polymarketOrderAmounts(opts: { side: 'BUY' | 'SELL'; price: string; size: string; tickSize: string }): { makerAmount: bigint; takerAmount: bigint } {
  const price = dec(opts.price);
  if (!price.mod(dec(opts.tickSize)).isZero()) throw new Error(`price ${opts.price} is not on the tick ${opts.tickSize}`);
  const shares = toPolymarketUnits(opts.size);
  const usdc = toPolymarketUnits(decStr(dec(opts.size).times(price)));
  return opts.side === 'BUY' ? { makerAmount: usdc, takerAmount: shares } : { makerAmount: shares, takerAmount: usdc };
}

/** The limit price an order's amounts express. */
export function polymarketPrice(opts: { side: 'BUY' | 'SELL'; makerAmount: bigint | string; takerAmount: bigint | string }): string {
  const maker = dec(opts.makerAmount.toString());
  const taker = dec(opts.takerAmount.toString());
  return decStr(opts.side === 'BUY' ? maker.div(taker) : taker.div(maker));
}

// ---------- Coinbase: decimal strings on the product's increments ----------

/** Checks a size or price sits on the product's increment and returns it in canonical form. */
export function onIncrement(value: string, increment: string, what: string): string {
  const v = dec(value);
  if (!v.mod(dec(increment)).isZero()) throw new Error(`${what} ${value} is not a multiple of the increment ${increment}`);
  return decStr(v);
}

/** Coinbase sends decimal strings; ours are the same numbers in canonical form. */
export function coinbaseDecimal(value: string): string {
  return decStr(dec(value));
}
