/** Durations on the command line: "90s", "5m", "1h", "250ms". */
const UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)} (use e.g. 250ms, 60s, 5m, 1h)`);
  return Math.round(Number(match[1]) * UNITS[match[2] as keyof typeof UNITS]);
}
