/**
 * Settlement inside orderIntentWorkflow: the held legs wait durably for their markets to resolve
 * (a workflow timer between polls, so a crash or a restart resumes the wait from history), then
 * payout, fees and realized PnL are computed exactly and written to the ledger. Waits that could
 * last days continue as new before the history grows large, carrying what has resolved so far.
 */
import { continueAsNew, proxyActivities, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA_INTENT_STATE } from '../domain/search-attributes';
import type { SettlementActivities } from '../activities/settlement';
import type { Intent } from '../domain/intent';
import { withPhase, type IntentView } from '../domain/intent-view';
import { exposedQuantity } from '../domain/legging';
import { dec } from '../domain/money';
import { divergentResolution, settleLeg, totalRealizedPnl, type HeldLeg } from '../domain/settlement';

const { marketResolution, recordSettlement } = proxyActivities<SettlementActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['VenueNotConfigured', 'VenuePermanent'] },
});

/** What a continued-as-new execution resumes from. */
export interface SettlementResume {
  settle: IntentView;
}

/** Legs holding contracts to resolution: binary venues only, net of what was unwound. */
export function heldLegs(view: IntentView): HeldLeg[] {
  const held: HeldLeg[] = [];
  for (const leg of view.legs) {
    if (leg.venue === 'coinbase' || !leg.averagePrice) continue;
    const quantity = leg.legId === 'A' ? exposedQuantity(leg.filledQuantity, view.unwind?.filledQuantity ?? '0') : leg.filledQuantity;
    if (dec(quantity).isZero()) continue;
    held.push({ legId: leg.legId, venue: leg.venue, market: leg.market, ...(leg.outcome ? { outcome: leg.outcome } : {}), action: leg.action, quantity, averagePrice: leg.averagePrice, fees: leg.fees ?? '0' });
  }
  return held;
}

export async function settle(intent: Intent, start: IntentView, publish: (v: IntentView) => void): Promise<IntentView> {
  // Legging ended the intent COMPLETED with its outcome; holding to resolution takes its place.
  const legged = start.phase === 'COMPLETED' ? { ...start, phases: start.phases.slice(0, -1) } : start;
  let view = legged.phase === 'SETTLING' ? legged : withPhase(legged, 'SETTLING');
  upsertSearchAttributes([{ key: SA_INTENT_STATE, value: 'SETTLING' }]);
  const resolved = { ...(view.settlement?.resolved ?? {}) };
  view = { ...view, settlement: { resolved } };
  publish(view);
  const held = heldLegs(view);
  for (let polls = 1; ; polls++) {
    for (const leg of held.filter((l) => !resolved[l.legId])) {
      const r = await marketResolution({ venue: leg.venue, market: leg.market, ...(leg.outcome ? { outcome: leg.outcome } : {}) });
      if (r.resolved) resolved[leg.legId] = { result: r.result, payoutPerContract: r.payoutPerContract };
    }
    view = { ...view, settlement: { resolved: { ...resolved } } };
    publish(view);
    if (held.every((l) => resolved[l.legId])) break;
    const info = workflowInfo();
    // The wait may last days: continue as new every so many polls, carrying what has resolved.
    if (info.continueAsNewSuggested || polls >= intent.settlementPollsPerRun) {
      await continueAsNew<(input: Intent, resume: SettlementResume) => Promise<IntentView>>(intent, { settle: view });
    }
    await sleep(intent.settlementPollMs);
  }
  const legs = held.map((l) => settleLeg(l, resolved[l.legId]!));
  const realizedPnl = totalRealizedPnl(legs);
  const divergent = divergentResolution(legs);
  await recordSettlement({ intentId: view.intentId, executionId: workflowInfo().runId, legs, realizedPnl, divergent });
  const reason = `${view.reason ?? ''}; settled${divergent ? ' (the venues resolved the pair differently)' : ''}: realized PnL ${realizedPnl}`;
  return { ...view, reason, settlement: { resolved, legs, realizedPnl, divergent } };
}
