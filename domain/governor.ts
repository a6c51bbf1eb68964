/**
 * The risk governor's rules: kill switches by scope, SAFE_MODE, and the decision every order
 * asks for. Pure, so the governor workflow, the gate activity and tests share one definition.
 *
 * Levels, from least to most restrictive:
 * - ACTIVE: everything allowed.
 * - REDUCING: no new intents and no new entry orders; orders that reduce exposure (hedges,
 *   unwinds, the leg that completes a pair) are allowed, so in-flight trades can finish flat.
 * - HALTED: no new intents and no entry orders; in-flight intents cancel their open legs and
 *   only exposure-reducing orders are allowed.
 * SAFE_MODE (global) behaves as HALTED until an operator acknowledges it with no open findings.
 */
import { z } from 'zod';
import { applyBreakerEvent, breakerConfigSchema, initialBreaker, tick, type BreakerConfig, type BreakerState } from './breakers';
import { idSchema } from './intent';
import { decimalString } from './money';
import { VENUES, type Venue } from './venue';

export const GOVERNOR_WORKFLOW_ID = 'legwork-risk-governor';

export const LEVELS = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type Level = (typeof LEVELS)[number];
const RANK: Record<Level, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/** `global`, `venue:<venue>` or `strategy:<id>`. */
export const scopeSchema = z
  .string()
  .regex(new RegExp(`^(global|venue:(${VENUES.join('|')})|strategy:[A-Za-z0-9][A-Za-z0-9._:-]*)$`), `must be "global", "venue:<${VENUES.join('|')}>" or "strategy:<id>"`);
export type Scope = z.infer<typeof scopeSchema>;

/** The JSON payload of the `killSwitch` signal (what operators pass to tctl / temporal CLI). */
export const killSwitchSignalSchema = z.object({
  action: z.enum(['engage', 'release']),
  scope: scopeSchema.default('global'),
  level: z.enum(['HALTED', 'REDUCING']).default('HALTED'),
  reason: z.string().trim().min(1, 'say why').max(500),
  operator: z.string().trim().min(1).max(100).default('unknown'),
});
export type KillSwitchSignal = z.infer<typeof killSwitchSignalSchema>;

export const findingSchema = z.object({
  id: idSchema,
  kind: z.string().min(1).max(100),
  venue: z.enum(VENUES).optional(),
  detail: z.string().max(2000),
  resolved: z.boolean().default(false),
});
export type Finding = z.infer<typeof findingSchema>;

export const enterSafeModeSignalSchema = z.object({
  reason: z.string().trim().min(1).max(500),
  findings: z.array(findingSchema).max(500).default([]),
  source: z.string().min(1).max(100).default('unknown'),
});
export type EnterSafeModeSignal = z.infer<typeof enterSafeModeSignalSchema>;

/**
 * A reconciliation run's verdict: the findings that stand now. Findings it raised before that are
 * no longer listed are resolved; any standing finding puts (or keeps) the governor in SAFE_MODE.
 */
export const reconciliationReportSchema = z.object({
  runId: z.string().min(1).max(200),
  findings: z.array(findingSchema).max(500),
});
export type ReconciliationReport = z.infer<typeof reconciliationReportSchema>;

export const resolveFindingSignalSchema = z.object({ id: idSchema, note: z.string().max(500).default('') });

export const safeModeAckSchema = z.object({
  operator: z.string().trim().min(1, 'name the operator').max(100),
  note: z.string().trim().min(1, 'leave a note').max(1000),
});
export type SafeModeAck = z.infer<typeof safeModeAckSchema>;

export interface KillSwitch {
  level: Exclude<Level, 'ACTIVE'>;
  reason: string;
  operator: string;
  since: string;
}

/**
 * A breaker event reported by the part that sees it (venue adapters' error classes and rate
 * governor, the intent workflows' outcomes, the feed layer's health, realized PnL).
 * Unknown breaker ids are created from `config`, or from the default for their kind.
 */
export const breakerSignalSchema = z.object({
  breaker: z.string().max(200).regex(/^[a-z-]+:\S.*$/, 'must look like "<kind>:<subject>", e.g. "endpoint:kalshi:POST /portfolio/orders"'),
  /** The scope the breaker restricts while OPEN. */
  scope: scopeSchema,
  /** The level it imposes on that scope while OPEN. */
  level: z.enum(['HALTED', 'REDUCING']).default('HALTED'),
  event: z.discriminatedUnion('type', [
    z.object({ type: z.literal('failure'), detail: z.string().max(300).optional() }),
    z.object({ type: z.literal('success') }),
    z.object({ type: z.literal('measure'), value: decimalString }),
  ]),
  config: breakerConfigSchema.optional(),
});
export type BreakerSignal = z.infer<typeof breakerSignalSchema>;

export interface GovernedBreaker {
  scope: string;
  level: Exclude<Level, 'ACTIVE'>;
  config: BreakerConfig;
  state: BreakerState;
}

/** Defaults by breaker kind (the prefix of its id); tuned per deployment through `config`. */
export const DEFAULT_BREAKERS: Record<string, BreakerConfig> = {
  endpoint: { kind: 'error-rate', failures: 5, windowMs: 10_000, cooldownMs: 30_000, maxCooldownMs: 300_000, probeSuccesses: 3 },
  execution: { kind: 'consecutive-failures', failures: 5, cooldownMs: 60_000, maxCooldownMs: 900_000, probeSuccesses: 2 },
  'daily-loss': { kind: 'threshold', trip: '500', recover: '0', cooldownMs: 3_600_000, maxCooldownMs: 86_400_000, probeSuccesses: 1 },
  data: { kind: 'threshold', trip: '5000', recover: '1000', cooldownMs: 5_000, maxCooldownMs: 60_000, probeSuccesses: 3 },
};

export interface GovernorEvent {
  at: string;
  kind: 'kill.engage' | 'kill.release' | 'safe_mode.enter' | 'safe_mode.finding_resolved' | 'safe_mode.ack' | 'signal.rejected' | 'breaker.open' | 'breaker.half_open' | 'breaker.close';
  scope?: string;
  detail: string;
  operator?: string;
}

export interface GovernorState {
  switches: Record<string, KillSwitch>;
  /** Absent in states carried over from before breakers existed. */
  breakers?: Record<string, GovernedBreaker>;
  safeMode: { active: boolean; since?: string; reason?: string; findings: Finding[] };
  /** The latest events, newest last (bounded; the audit ledger keeps them all). */
  events: GovernorEvent[];
  rejectedSignals: number;
}

export const MAX_EVENTS = 200;

export function initialGovernorState(): GovernorState {
  return { switches: {}, safeMode: { active: false, findings: [] }, events: [], rejectedSignals: 0 };
}

/** What is being asked: a new intent, an entry (exposure-increasing) order, or a reducing one. */
export type OrderKind = 'new-intent' | 'entry' | 'reducing';

export interface GateRequest {
  kind: OrderKind;
  strategy: string;
  venues: readonly Venue[];
}

export interface GateDecision {
  allowed: boolean;
  /** The most restrictive level that applies (SAFE_MODE counts as HALTED). */
  level: Level;
  safeMode: boolean;
  reason: string;
}

export function applicableScopes(request: Pick<GateRequest, 'strategy' | 'venues'>): string[] {
  return ['global', ...request.venues.map((v) => `venue:${v}`), `strategy:${request.strategy}`];
}

export function decide(state: GovernorState, request: GateRequest): GateDecision {
  let level: Level = 'ACTIVE';
  const reasons: string[] = [];
  const scopes = applicableScopes(request);
  for (const scope of scopes) {
    const s = state.switches[scope];
    if (!s) continue;
    if (RANK[s.level] > RANK[level]) level = s.level;
    reasons.push(`${scope} ${s.level} (${s.reason})`);
  }
  for (const [id, b] of Object.entries(state.breakers ?? {})) {
    if (b.state.phase !== 'OPEN' || !scopes.includes(b.scope)) continue;
    if (RANK[b.level] > RANK[level]) level = b.level;
    reasons.push(`breaker ${id} OPEN on ${b.scope} (${b.state.reason ?? 'tripped'})`);
  }
  if (state.safeMode.active) {
    level = 'HALTED';
    reasons.push(`SAFE_MODE (${state.safeMode.reason ?? 'unacknowledged'})`);
  }
  const allowed = level === 'ACTIVE' || request.kind === 'reducing';
  return { allowed, level, safeMode: state.safeMode.active, reason: reasons.length ? reasons.join('; ') : 'no kill switch or breaker engaged' };
}

function withEvent(state: GovernorState, event: GovernorEvent): GovernorState {
  return { ...state, events: [...state.events, event].slice(-MAX_EVENTS) };
}

export function applyKillSwitch(state: GovernorState, signal: KillSwitchSignal, at: string): GovernorState {
  const switches = { ...state.switches };
  if (signal.action === 'engage') {
    switches[signal.scope] = { level: signal.level, reason: signal.reason, operator: signal.operator, since: at };
  } else {
    delete switches[signal.scope];
  }
  return withEvent({ ...state, switches }, {
    at,
    kind: signal.action === 'engage' ? 'kill.engage' : 'kill.release',
    scope: signal.scope,
    operator: signal.operator,
    detail: signal.action === 'engage' ? `${signal.level}: ${signal.reason}` : signal.reason,
  });
}

export function enterSafeMode(state: GovernorState, signal: EnterSafeModeSignal, at: string): GovernorState {
  const known = new Map(state.safeMode.findings.map((f) => [f.id, f]));
  for (const f of signal.findings) known.set(f.id, f);
  return withEvent(
    { ...state, safeMode: { active: true, since: state.safeMode.active ? state.safeMode.since : at, reason: signal.reason, findings: [...known.values()] } },
    { at, kind: 'safe_mode.enter', detail: `${signal.source}: ${signal.reason} (${signal.findings.length} findings)` },
  );
}

export function resolveFinding(state: GovernorState, id: string, note: string, at: string): GovernorState {
  const findings = state.safeMode.findings.map((f) => (f.id === id ? { ...f, resolved: true } : f));
  return withEvent({ ...state, safeMode: { ...state.safeMode, findings } }, { at, kind: 'safe_mode.finding_resolved', detail: `${id}${note ? `: ${note}` : ''}` });
}

export function applyReconciliationReport(state: GovernorState, report: ReconciliationReport, at: string): GovernorState {
  const standing = new Set(report.findings.map((f) => f.id));
  let next = state;
  for (const f of state.safeMode.findings) {
    if (!f.resolved && f.kind.startsWith('recon.') && !standing.has(f.id)) next = resolveFinding(next, f.id, `no longer found by ${report.runId}`, at);
  }
  if (report.findings.length === 0) return next;
  return enterSafeMode(next, { reason: `reconciliation ${report.runId} found ${report.findings.length} issue(s)`, source: 'reconciliation', findings: report.findings }, at);
}

/** Why an acknowledgement must be refused, or undefined when it may be accepted. */
export function safeModeAckRefusal(state: GovernorState): string | undefined {
  if (!state.safeMode.active) return 'SAFE_MODE is not active';
  const open = state.safeMode.findings.filter((f) => !f.resolved);
  if (open.length) return `${open.length} finding(s) still stand: ${open.map((f) => `${f.id} (${f.kind}: ${f.detail})`).join('; ')}`;
  return undefined;
}

export function acknowledgeSafeMode(state: GovernorState, ack: SafeModeAck, at: string): GovernorState {
  return withEvent({ ...state, safeMode: { active: false, findings: [] } }, { at, kind: 'safe_mode.ack', operator: ack.operator, detail: ack.note });
}

export function rejectSignal(state: GovernorState, name: string, problem: string, at: string): GovernorState {
  return withEvent({ ...state, rejectedSignals: state.rejectedSignals + 1 }, { at, kind: 'signal.rejected', detail: `${name}: ${problem}` });
}

function breakerEventKind(before: BreakerState['phase'], after: BreakerState['phase']): GovernorEvent['kind'] | undefined {
  if (before === after) return undefined;
  return after === 'OPEN' ? 'breaker.open' : after === 'HALF_OPEN' ? 'breaker.half_open' : 'breaker.close';
}

/** Applies a breaker event at `atMs`; an OPEN/HALF_OPEN/CLOSED change is recorded as an event. */
export function applyBreakerSignal(state: GovernorState, signal: BreakerSignal, atMs: number, at: string): GovernorState {
  const existing = state.breakers?.[signal.breaker];
  const config = existing?.config ?? signal.config ?? DEFAULT_BREAKERS[signal.breaker.split(':')[0]!];
  if (!config) return rejectSignal(state, 'breakerEvent', `no default breaker for "${signal.breaker}"; send a config`, at);
  const before = existing ?? { scope: signal.scope, level: signal.level, config, state: initialBreaker(config) };
  const next = { ...before, state: applyBreakerEvent(config, before.state, { ...signal.event, at: atMs }) };
  const updated = { ...state, breakers: { ...(state.breakers ?? {}), [signal.breaker]: next } };
  const kind = breakerEventKind(before.state.phase, next.state.phase);
  return kind ? withEvent(updated, { at, kind, scope: next.scope, detail: `${signal.breaker}: ${next.state.reason ?? kind}` }) : updated;
}

/** Moves breakers whose cooldown has elapsed to HALF_OPEN. */
export function tickBreakers(state: GovernorState, atMs: number, at: string): GovernorState {
  let next = state;
  for (const [id, b] of Object.entries(state.breakers ?? {})) {
    const ticked = tick(b.state, atMs);
    if (ticked === b.state) continue;
    next = withEvent({ ...next, breakers: { ...(next.breakers ?? {}), [id]: { ...b, state: ticked } } }, { at, kind: 'breaker.half_open', scope: b.scope, detail: `${id}: cooldown over, probing` });
  }
  return next;
}

/** The earliest time a breaker may half-open, if any is OPEN. */
export function nextBreakerDeadline(state: GovernorState): number | undefined {
  const times = Object.values(state.breakers ?? {}).flatMap((b) => (b.state.phase === 'OPEN' && b.state.openUntil !== undefined ? [b.state.openUntil] : []));
  return times.length ? Math.min(...times) : undefined;
}

/** One line for the CLI and search attributes: the global picture. */
export function summaryLevel(state: GovernorState): Level | 'SAFE_MODE' {
  if (state.safeMode.active) return 'SAFE_MODE';
  return state.switches.global?.level ?? 'ACTIVE';
}
