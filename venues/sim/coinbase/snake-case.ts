/**
 * Coinbase's official TypeScript SDK (@coinbase-sample/advanced-trade-sdk-ts) sends its request
 * types as they are: camelCase body fields (`clientOrderId`, `orderConfiguration.limitLimitGtc
 * .baseSize`) and camelCase query names (`orderStatus=OPEN`, `productIds=…`), while the API
 * reference and our adapter use snake_case. The venue takes both, so the simulator turns every
 * request into snake_case once, before routing: keys only, never values.
 */

/** `clientOrderId` → `client_order_id`; snake_case keys pass through unchanged. */
export function snakeCaseKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The same value with every object key in snake_case, at any depth. */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [snakeCaseKey(k), snakeCaseKeys(v)]));
}

/** A JSON request body with snake_case keys; an empty or malformed body is left for the route to refuse. */
export function snakeCaseBody(raw: string): string {
  if (!raw) return raw;
  try {
    return JSON.stringify(snakeCaseKeys(JSON.parse(raw)));
  } catch {
    return raw;
  }
}

/** Renames the query's parameters to snake_case in place (repeated names keep every value, in order). */
export function snakeCaseQuery(url: URL): void {
  const entries = [...url.searchParams.entries()];
  url.search = '';
  for (const [k, v] of entries) url.searchParams.append(snakeCaseKey(k), v);
}
