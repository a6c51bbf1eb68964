/**
 * Checks a venue answer against an official client's model type. The generated clients do not
 * validate what they receive (they hand back the JSON typed as the model), so "the client parses
 * our response" means: every field the model declares required is there. The field lists are
 * checked against the client's own types at compile time (`fieldsOf`), so a list can't drift
 * from the model it claims to be.
 */

/** The keys of T that are not optional. */
export type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * Exactly the required keys of T, as a runtime list: a key missing from `keys`, or one that is
 * not a required key of T, is a type error here.
 */
export function fieldsOf<T>() {
  return <const K extends readonly RequiredKeys<T>[]>(keys: K & ([Exclude<RequiredKeys<T>, K[number]>] extends [never] ? unknown : { missing: Exclude<RequiredKeys<T>, K[number]> })): K => keys;
}

/** The listed fields that `value` lacks (absent or undefined), in list order. */
export function missingFields(value: unknown, fields: readonly PropertyKey[]): string[] {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<PropertyKey, unknown>;
  return fields.filter((f) => record[f] === undefined).map(String);
}
