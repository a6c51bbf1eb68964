/**
 * riskGovernorWorkflow: the singleton that holds kill switches and SAFE_MODE.
 *
 * Driven by signals, so operators can use the tools they have (`tctl workflow signal`,
 * `temporal workflow signal`, `legwork kill`), and by an update for the SAFE_MODE
 * acknowledgement (validated: refused while findings stand). A bad signal payload is never
 * applied: it is counted, recorded as an event and audited. Every change is audited through an
 * activity; the history is kept bounded with continue-as-new.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AuditActivities, AuditInput } from '../activities/audit';
import type { HaltActivities, HaltRequest } from '../activities/halt-intents';
import {
  acknowledgeSafeMode,
  applyBreakerSignal,
  applyKillSwitch,
  applyReconciliationReport,
  breakerSignalSchema,
  decide,
  enterSafeMode,
  enterSafeModeSignalSchema,
  initialGovernorState,
  killSwitchSignalSchema,
  nextBreakerDeadline,
  reconciliationReportSchema,
  rejectSignal,
  resolveFinding,
  resolveFindingSignalSchema,
  safeModeAckRefusal,
  safeModeAckSchema,
  summaryLevel,
  tickBreakers,
  type GateDecision,
  type GateRequest,
  type GovernorEvent,
  type GovernorState,
  type SafeModeAck,
} from '../domain/governor';
import { SA_GOVERNOR_LEVEL, SA_KILL_SWITCHES } from '../domain/search-attributes';
import { formatZodError } from '../domain/validation';
import { workflowTimestamp } from './clock';

export const killSwitchSignal = defineSignal<[unknown]>('killSwitch');
export const enterSafeModeSignal = defineSignal<[unknown]>('enterSafeMode');
export const resolveFindingSignal = defineSignal<[unknown]>('resolveFinding');
export const breakerEventSignal = defineSignal<[unknown]>('breakerEvent');
export const reconciliationReportSignal = defineSignal<[unknown]>('reconciliationReport');
export const governorStateQuery = defineQuery<GovernorState>('governorState');
export const gateQuery = defineQuery<GateDecision, [GateRequest]>('gate');
export const acknowledgeSafeModeUpdate = defineUpdate<GovernorState, [SafeModeAck]>('acknowledgeSafeMode');

const { recordAuditEvent } = proxyActivities<AuditActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

const { haltInFlightIntents } = proxyActivities<HaltActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

/** Continue as new well before the history gets heavy (the server suggests it too). */
const MAX_HISTORY_EVENTS = 5_000;

export interface GovernorInput {
  state?: GovernorState;
  /** Continues the audit id sequence across continue-as-new. */
  auditSeq?: number;
}

export async function riskGovernorWorkflow(input: GovernorInput = {}): Promise<never> {
  let state = input.state ?? initialGovernorState();
  let auditSeq = input.auditSeq ?? 0;
  const pendingAudits: AuditInput[] = [];
  /** Kill switches engaged since the last pass: their in-flight intents are sent to the safe path. */
  const pendingHalts: HaltRequest[] = [];
  const { workflowId, runId } = workflowInfo();

  const changed = (next: GovernorState, actor: string) => {
    const fresh = next.events.filter((e) => !state.events.includes(e));
    state = next;
    for (const event of fresh) pendingAudits.push(toAudit(event, actor));
    if (fresh.length === 0) return; // e.g. a breaker counted a failure but did not change phase
    upsertSearchAttributes([
      { key: SA_GOVERNOR_LEVEL, value: summaryLevel(state) },
      { key: SA_KILL_SWITCHES, value: Object.keys(state.switches).sort() },
    ]);
  };
  const toAudit = (event: GovernorEvent, actor: string): AuditInput => ({
    id: `${workflowId}:${event.kind}:${++auditSeq}`,
    actor,
    action: `governor.${event.kind}`,
    reason: event.detail,
    executionId: runId,
    data: { scope: event.scope, at: event.at, level: summaryLevel(state) },
  });

  setHandler(killSwitchSignal, (payload) => {
    const parsed = killSwitchSignalSchema.safeParse(payload);
    if (!parsed.success) return changed(rejectSignal(state, 'killSwitch', formatZodError(parsed.error), workflowTimestamp()), 'signal');
    changed(applyKillSwitch(state, parsed.data, workflowTimestamp()), parsed.data.operator);
    if (parsed.data.action === 'engage') pendingHalts.push({ taskQueue: workflowInfo().taskQueue, scope: parsed.data.scope, level: parsed.data.level, reason: parsed.data.reason, operator: parsed.data.operator });
  });
  setHandler(enterSafeModeSignal, (payload) => {
    const parsed = enterSafeModeSignalSchema.safeParse(payload);
    if (!parsed.success) return changed(rejectSignal(state, 'enterSafeMode', formatZodError(parsed.error), workflowTimestamp()), 'signal');
    changed(enterSafeMode(state, parsed.data, workflowTimestamp()), parsed.data.source);
  });
  setHandler(resolveFindingSignal, (payload) => {
    const parsed = resolveFindingSignalSchema.safeParse(payload);
    if (!parsed.success) return changed(rejectSignal(state, 'resolveFinding', formatZodError(parsed.error), workflowTimestamp()), 'signal');
    changed(resolveFinding(state, parsed.data.id, parsed.data.note, workflowTimestamp()), 'reconciliation');
  });
  setHandler(breakerEventSignal, (payload) => {
    const parsed = breakerSignalSchema.safeParse(payload);
    const at = workflowTimestamp();
    if (!parsed.success) return changed(rejectSignal(state, 'breakerEvent', formatZodError(parsed.error), at), 'signal');
    changed(applyBreakerSignal(state, parsed.data, Date.parse(at), at), 'breaker');
  });
  setHandler(reconciliationReportSignal, (payload) => {
    const parsed = reconciliationReportSchema.safeParse(payload);
    if (!parsed.success) return changed(rejectSignal(state, 'reconciliationReport', formatZodError(parsed.error), workflowTimestamp()), 'signal');
    changed(applyReconciliationReport(state, parsed.data, workflowTimestamp()), 'reconciliation');
  });
  setHandler(governorStateQuery, () => state);
  setHandler(gateQuery, (request) => decide(state, request));
  setHandler(
    acknowledgeSafeModeUpdate,
    (ack) => {
      changed(acknowledgeSafeMode(state, safeModeAckSchema.parse(ack), workflowTimestamp()), ack.operator);
      return state;
    },
    {
      // Runs before the update is accepted into history: a refusal leaves no trace but the caller's error.
      validator: (ack) => {
        const parsed = safeModeAckSchema.safeParse(ack);
        if (!parsed.success) throw new Error(`invalid acknowledgement:\n${formatZodError(parsed.error)}`);
        const refusal = safeModeAckRefusal(state);
        if (refusal) throw new Error(`SAFE_MODE acknowledgement refused: ${refusal}`);
      },
    },
  );

  upsertSearchAttributes([
    { key: SA_GOVERNOR_LEVEL, value: summaryLevel(state) },
    { key: SA_KILL_SWITCHES, value: Object.keys(state.switches).sort() },
  ]);

  for (;;) {
    // Wake for audits to write, for history to roll over, or when an open breaker may half-open.
    // With no breaker open there is no timer, so histories from before breakers replay unchanged.
    const deadline = nextBreakerDeadline(state);
    const wake = () => pendingAudits.length > 0 || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS || nextBreakerDeadline(state) !== deadline;
    if (deadline === undefined) await condition(wake);
    else if (!(await condition(wake, Math.max(1, deadline - Date.parse(workflowTimestamp()))))) {
      const at = workflowTimestamp();
      const ticked = tickBreakers(state, Date.parse(at), at);
      if (ticked !== state) changed(ticked, 'breaker');
    }
    // Halt first (an engaged switch must reach intents in flight at once), then audit. Added after
    // the first release: governor histories from before it replay without the activity.
    if (pendingHalts.length > 0 && patched('halt-in-flight-v1')) {
      while (pendingHalts.length > 0) {
        await haltInFlightIntents(pendingHalts[0]!);
        pendingHalts.shift();
      }
    }
    pendingHalts.length = 0;
    while (pendingAudits.length > 0) {
      await recordAuditEvent(pendingAudits[0]!);
      pendingAudits.shift();
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      await condition(allHandlersFinished);
      if (pendingAudits.length === 0) await continueAsNew<typeof riskGovernorWorkflow>({ state, auditSeq });
    }
  }
}
