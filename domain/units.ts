/**
 * Exact conversion between each venue's units and ours, both ways, losslessly.
 *
 * Ours: prices are decimal strings of quote currency per contract/share/unit (USD for Kalshi and
 * Coinbase, USDC for Polymarket), quantities are decimal strings of contracts/shares/base units,
 * all in canonical form (decStr: no exponent, no trailing zeros).
 *
 * Nothing here rounds unless its name says so (`…Rounded`, `floorToIncrement`, …); a value that
 * does not fit the venue's unit exactly is an error naming the value and the rule it broke.
 *
 * Venue facts used (checked 2026-11 against the venues' references):
 * - Kalshi: legacy integer cents 1–99 (`yes_price`, `no_price`); `*_dollars` fixed-point dollar
 *   strings (responses emit 4 decimals, e.g. "0.4200"; the OpenAPI allows up to 6); `*_fp` counts
 *   are fixed-point strings with 0–2 decimals on input and exactly 2 in responses ("10.00");
 *   fractional counts are enabled per market (`fractional_trading_enabled`); price ticks follow the
 *   market's `price_level_structure` (linear_cent, tapered_deci_cent, deci_cent).
 * - Polymarket: order amounts are integers in 6-decimal units (USDC and outcome tokens both have
 *   6 decimals); clob-client's ROUNDING_CONFIG (see polymarketOrderAmounts).
 * - Coinbase Advanced Trade: decimal strings everywhere (`base_size`, `quote_size`,
 *   `limit_price`), which must sit on the product's `base_increment` / `quote_increment` /
 *   `price_increment`.
 */
import { Dec, dec, decStr, ONE, ZERO } from './money';

/** Thrown when a value does not fit a venue's unit exactly; the message names the value and the rule. */
export class UnitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnitError';
  }
}

function parse(value: string, what: string): Dec {
  try {
    return dec(value);
  } catch {
    throw new UnitError(`${what} ${JSON.stringify(value)} is not a decimal number`);
  }
}

function exactInteger(value: Dec, what: string): bigint {
  if (!value.isInteger()) throw new UnitError(`${what} ${decStr(value)} is not a whole number of the venue's unit`);
  return BigInt(value.toFixed(0));
}

// ───────────── Kalshi: prices in cents (1–99) or dollar strings; counts whole or fixed-point ─────────────

/** Kalshi legacy integer cents (1–99) → our price ("0.42"). */
export function kalshiCentsToPrice(cents: number): string {
  if (!Number.isInteger(cents) || cents < 1 || cents > 99) throw new UnitError(`Kalshi price ${cents}¢ is outside 1–99`);
  return decStr(new Dec(cents).div(100));
}

/** Our price → Kalshi integer cents; throws unless it is a whole number of cents in 1–99. */
export function priceToKalshiCents(price: string): number {
  const cents = parse(price, 'price').times(100);
  if (!cents.isInteger() || cents.lt(1) || cents.gt(99)) throw new UnitError(`price ${price} is not a whole number of cents in 1–99 (Kalshi)`);
  return cents.toNumber();
}

/** Kalshi's fixed-point dollar strings: digits, optional point, at most 6 decimals (the API's maximum). */
const KALSHI_DOLLARS_RE = /^(0|[1-9]\d*)(\.\d{1,6})?$/;

/** Kalshi `*_dollars` field ("0.4200") → our price ("0.42"); throws on anything else or outside 0–1. */
export function kalshiDollarsToPrice(dollars: string): string {
  if (!KALSHI_DOLLARS_RE.test(dollars)) throw new UnitError(`Kalshi dollar string ${JSON.stringify(dollars)} is not a fixed-point number with at most 6 decimals`);
  const p = dec(dollars);
  if (p.gt(ONE)) throw new UnitError(`Kalshi price ${dollars} is above $1`);
  return decStr(p);
}

/** Our price → Kalshi's 4-decimal dollar string ("0.42" → "0.4200"); throws if it needs more than 4 decimals or lies outside 0–1. */
export function priceToKalshiDollars(price: string): string {
  const p = parse(price, 'price');
  if (p.decimalPlaces() > 4) throw new UnitError(`price ${price} has more than 4 decimals (Kalshi dollar strings)`);
  if (p.isNegative() || p.gt(ONE)) throw new UnitError(`price ${price} is outside $0–$1 (Kalshi)`);
  return p.toFixed(4);
}

/** Kalshi fixed-point counts: 0–2 decimals. */
const KALSHI_FP_RE = /^(0|[1-9]\d*)(\.\d{1,2})?$/;

/**
 * Kalshi count → our quantity: a `*_fp` string ("10.00", "1.55") or a legacy integer count (10).
 * Throws on more than 2 decimals, negatives, or a number that is not a safe whole number.
 */
export function kalshiCountToQuantity(count: string | number): string {
  if (typeof count === 'number') {
    if (!Number.isSafeInteger(count) || count < 0) throw new UnitError(`Kalshi count ${count} is not a whole number of contracts`);
    return String(count);
  }
  if (!KALSHI_FP_RE.test(count)) throw new UnitError(`Kalshi count ${JSON.stringify(count)} is not a fixed-point count with at most 2 decimals`);
  return decStr(dec(count));
}

/** Our quantity → Kalshi legacy integer `count`; throws unless it is a whole number. */
export function quantityToKalshiCount(quantity: string): number {
  const n = exactInteger(parse(quantity, 'quantity'), 'Kalshi count');
  if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new UnitError(`Kalshi count ${quantity} is out of range`);
  return Number(n);
}

/** Our quantity → Kalshi `count_fp` ("10" → "10.00", "1.5" → "1.50"); throws on more than 2 decimals or negatives. */
export function quantityToKalshiCountFp(quantity: string): string {
  const q = parse(quantity, 'quantity');
  if (q.isNegative()) throw new UnitError(`quantity ${quantity} is negative`);
  if (q.decimalPlaces() > 2) throw new UnitError(`quantity ${quantity} has more than 2 decimals (Kalshi count_fp)`);
  return q.toFixed(2);
}

/** Kalshi's price level structures: which tick applies where. */
export type KalshiPriceLevelStructure = 'linear_cent' | 'tapered_deci_cent' | 'deci_cent';

/** The tick at `price` under a structure: tapered_deci_cent is $0.001 below $0.10 and above $0.90, $0.01 between. */
export function kalshiTickAt(price: string, structure: KalshiPriceLevelStructure): string {
  if (structure === 'linear_cent') return '0.01';
  if (structure === 'deci_cent') return '0.001';
  const p = parse(price, 'price');
  return p.lt(dec('0.10')) || p.gt(dec('0.90')) ? '0.001' : '0.01';
}

/** Checks a Kalshi price lies strictly between 0 and 1 on the market's tick; returns it canonical, or throws. */
export function checkKalshiPrice(price: string, structure: KalshiPriceLevelStructure = 'linear_cent'): string {
  const p = parse(price, 'price');
  if (!p.gt(ZERO) || !p.lt(ONE)) throw new UnitError(`price ${price} is not strictly between 0 and 1 (Kalshi)`);
  const tick = kalshiTickAt(price, structure);
  if (!p.mod(dec(tick)).isZero()) throw new UnitError(`price ${price} is not on the tick ${tick} (Kalshi ${structure})`);
  return decStr(p);
}

/** The YES price that a NO price at p stands for on Kalshi's single YES book: 1 − p. */
export function kalshiComplement(price: string): string {
  return decStr(ONE.minus(parse(price, 'price')));
}

// ───────────── Polymarket: 6-decimal integer amounts; maker/taker amounts; price from amounts ─────────────

/** USDC and conditional tokens both have 6 decimals on Polygon. */
export const POLYMARKET_DECIMALS = 6;
const SCALE = dec('1000000');

/** A decimal amount (USDC or shares) → 6-decimal integer units; throws below a micro-unit or if negative. */
export function toPolymarketUnits(value: string): bigint {
  const v = parse(value, 'amount');
  if (v.isNegative()) throw new UnitError(`amount ${value} is negative (Polymarket amounts are unsigned)`);
  return exactInteger(v.times(SCALE), `amount ${value} × 10^6`);
}

/** 6-decimal integer units (bigint or a digit string, as the API sends them) → decimal amount. */
export function fromPolymarketUnits(units: bigint | string): string {
  if (typeof units === 'string' && !/^\d+$/.test(units)) throw new UnitError(`Polymarket amount ${JSON.stringify(units)} is not a non-negative integer`);
  if (typeof units === 'bigint' && units < 0n) throw new UnitError(`Polymarket amount ${units} is negative`);
  return decStr(dec(units.toString()).div(SCALE));
}

/** Tick sizes Polymarket markets use, with clob-client(-v2)'s ROUNDING_CONFIG for each (decimal places). */
export const POLYMARKET_ROUNDING: Readonly<Record<string, { price: number; size: number; amount: number }>> = {
  '0.1': { price: 1, size: 2, amount: 3 },
  '0.01': { price: 2, size: 2, amount: 4 },
  '0.005': { price: 3, size: 2, amount: 5 },
  '0.0025': { price: 4, size: 2, amount: 6 },
  '0.001': { price: 3, size: 2, amount: 5 },
  '0.0001': { price: 4, size: 2, amount: 6 },
};

function roundingFor(tickSize: string): { tick: Dec; config: { price: number; size: number; amount: number } } {
  const tick = parse(tickSize, 'tick size');
  const config = POLYMARKET_ROUNDING[decStr(tick)];
  if (!config) throw new UnitError(`tick size ${tickSize} is not one Polymarket uses (${Object.keys(POLYMARKET_ROUNDING).join(', ')})`);
  return { tick, config };
}

/** Polymarket order side, as the CLOB spells it. */
export type PolymarketSide = 'BUY' | 'SELL';

/** Maker/taker amounts of a limit order in 6-decimal units. */
export interface PolymarketAmounts {
  makerAmount: bigint;
  takerAmount: bigint;
}

function amountsFor(side: PolymarketSide, price: Dec, size: Dec): PolymarketAmounts {
  // BUY: the maker gives size × price USDC and gets `size` shares. SELL: the reverse.
  const shares = toPolymarketUnits(decStr(size));
  const usdc = toPolymarketUnits(decStr(size.times(price)));
  return side === 'BUY' ? { makerAmount: usdc, takerAmount: shares } : { makerAmount: shares, takerAmount: usdc };
}

/**
 * Maker/taker amounts of a limit order, exactly. Strict: the price must be on the market's tick
 * and within [tick, 1 − tick] (clob-client's `priceValid`), and the size must have at most 2
 * decimals (ROUNDING_CONFIG.size) — then size × price has at most ROUNDING_CONFIG.amount decimals
 * and no rounding happens at all. Anything else throws; use polymarketOrderAmountsRounded to get
 * exactly what clob-client would sign for inexact inputs.
 */
export function polymarketOrderAmounts(opts: { side: PolymarketSide; price: string; size: string; tickSize: string }): PolymarketAmounts {
  const { tick, config } = roundingFor(opts.tickSize);
  const price = parse(opts.price, 'price');
  const size = parse(opts.size, 'size');
  if (!price.mod(tick).isZero()) throw new UnitError(`price ${opts.price} is not on the tick ${opts.tickSize}`);
  if (price.lt(tick) || price.gt(ONE.minus(tick))) throw new UnitError(`price ${opts.price} is outside ${decStr(tick)}–${decStr(ONE.minus(tick))} (Polymarket)`);
  if (!size.gt(ZERO)) throw new UnitError(`size ${opts.size} must be greater than 0`);
  if (size.decimalPlaces() > config.size) throw new UnitError(`size ${opts.size} has more than ${config.size} decimals (Polymarket)`);
  return amountsFor(opts.side, price, size);
}

/**
 * What `@polymarket/clob-client-v2` 1.1.0 (`getOrderRawAmounts` with `ROUNDING_CONFIG`; the same
 * rules as `@polymarket/clob-client` 5.x for the tick sizes it knows) signs for a limit order:
 * price rounded half-up to ROUNDING_CONFIG.price decimals (`roundNormal`), size rounded down to
 * 2 decimals (`roundDown`), amount = size × price. In exact arithmetic that product never has more
 * than ROUNDING_CONFIG.amount decimals, so the client's further `roundUp`/`roundDown` of the amount
 * (which only strips IEEE-754 noise) never changes it here. Like the client, a price below the
 * tick or above 1 − tick is refused. Returns the rounded price and size too.
 */
export function polymarketOrderAmountsRounded(opts: { side: PolymarketSide; price: string; size: string; tickSize: string }): PolymarketAmounts & { price: string; size: string } {
  const { tick, config } = roundingFor(opts.tickSize);
  const rawPrice = parse(opts.price, 'price');
  if (rawPrice.lt(tick) || rawPrice.gt(ONE.minus(tick))) throw new UnitError(`invalid price (${opts.price}), min: ${decStr(tick)} - max: ${decStr(ONE.minus(tick))}`);
  const price = rawPrice.toDecimalPlaces(config.price, Dec.ROUND_HALF_UP);
  const size = parse(opts.size, 'size').toDecimalPlaces(config.size, Dec.ROUND_DOWN);
  if (!size.gt(ZERO)) throw new UnitError(`size ${opts.size} rounds down to 0 at ${config.size} decimals`);
  return { ...amountsFor(opts.side, price, size), price: decStr(price), size: decStr(size) };
}

/**
 * The limit price an order's amounts express: BUY maker/taker (USDC per share), SELL taker/maker.
 * Throws if the quotient is not an exact decimal (e.g. 1/3), naming the amounts.
 */
export function polymarketPrice(opts: { side: PolymarketSide; makerAmount: bigint | string; takerAmount: bigint | string }): string {
  const maker = dec(fromPolymarketUnits(opts.makerAmount));
  const taker = dec(fromPolymarketUnits(opts.takerAmount));
  const [usdc, shares] = opts.side === 'BUY' ? [maker, taker] : [taker, maker];
  if (shares.isZero()) throw new UnitError(`Polymarket ${opts.side} order with makerAmount ${opts.makerAmount} and takerAmount ${opts.takerAmount} has no shares`);
  const price = usdc.div(shares);
  if (!price.times(shares).eq(usdc)) throw new UnitError(`Polymarket amounts ${opts.makerAmount}/${opts.takerAmount} do not express an exact decimal price`);
  return decStr(price);
}

// ───────────── Coinbase: decimal strings on the product's increments ─────────────

/**
 * Checks a size or price sits on the product's increment (base_increment, quote_increment,
 * price_increment) and returns it canonical. Throws otherwise: we never send a value the venue
 * would round or reject (round explicitly with floorToIncrement/ceilToIncrement first).
 */
export function onIncrement(value: string, increment: string, what: string): string {
  const v = parse(value, what);
  const inc = parse(increment, `${what} increment`);
  if (!inc.gt(ZERO)) throw new UnitError(`${what} increment ${increment} must be greater than 0`);
  if (!v.mod(inc).isZero()) throw new UnitError(`${what} ${value} is not a multiple of the increment ${increment}`);
  return decStr(v);
}

/** Rounds down to a multiple of the increment (e.g. a base size: never more than we meant to trade). */
export function floorToIncrement(value: string, increment: string): string {
  const inc = parse(increment, 'increment');
  if (!inc.gt(ZERO)) throw new UnitError(`increment ${increment} must be greater than 0`);
  return decStr(parse(value, 'value').div(inc).floor().times(inc));
}

/** Rounds up to a multiple of the increment. */
export function ceilToIncrement(value: string, increment: string): string {
  const inc = parse(increment, 'increment');
  if (!inc.gt(ZERO)) throw new UnitError(`increment ${increment} must be greater than 0`);
  return decStr(parse(value, 'value').div(inc).ceil().times(inc));
}

/** Coinbase decimal string from the API ("0.00210000") → ours ("0.0021"); throws on "" or anything not a plain decimal. */
export function coinbaseDecimal(value: string): string {
  return decStr(parse(value, 'Coinbase decimal'));
}

/** Ours → a Coinbase request field, checked against the increment and written with the increment's decimals ("0.0021", "0.00000001" → "0.00210000"). */
export function toCoinbaseDecimal(value: string, increment: string, what: string): string {
  onIncrement(value, increment, what);
  return dec(value).toFixed(Math.max(dec(increment).decimalPlaces(), 0));
}
