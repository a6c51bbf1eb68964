/**
 * Whether an order may actually be posted to a venue. PAPER posts to the simulator; DRY_RUN
 * builds and signs orders but only records them as preflight payloads; LIVE posts to the real
 * venue only when all three gates are open: the mode is LIVE, LIVE_ORDER_POSTING_ENABLED=true,
 * and an operator confirmation for live trading is recorded in the ledger. Any closed gate is a
 * refusal that names it.
 */
export type Mode = 'PAPER' | 'DRY_RUN' | 'LIVE';

export interface LiveGateInputs {
  mode: Mode;
  /** The raw LIVE_ORDER_POSTING_ENABLED value: only the exact string "true" opens this gate. */
  liveOrderPostingEnabled: string | undefined;
  /** The latest `live.confirm` operator confirmation, if any. */
  confirmation?: { operator: string; at: string };
}

export type PostingDecision =
  | { post: true; target: 'simulator' | 'venue'; reason: string }
  | { post: false; preflightOnly: true; reason: string }
  | { post: false; preflightOnly: false; refusedBy: 'mode' | 'LIVE_ORDER_POSTING_ENABLED' | 'operator confirmation'; reason: string };

export const LIVE_CONFIRM_ACTION = 'live.confirm';

export function postingDecision(inputs: LiveGateInputs): PostingDecision {
  if (inputs.mode === 'PAPER') return { post: true, target: 'simulator', reason: 'PAPER mode: orders go to the local simulator' };
  if (inputs.mode === 'DRY_RUN') return { post: false, preflightOnly: true, reason: 'DRY_RUN mode: order built, signed and recorded as a preflight payload, not sent' };
  if (inputs.liveOrderPostingEnabled !== 'true') {
    return {
      post: false,
      preflightOnly: false,
      refusedBy: 'LIVE_ORDER_POSTING_ENABLED',
      reason: `live order refused: LIVE_ORDER_POSTING_ENABLED is ${inputs.liveOrderPostingEnabled === undefined ? 'unset' : JSON.stringify(inputs.liveOrderPostingEnabled)}, must be "true"`,
    };
  }
  if (!inputs.confirmation) {
    return {
      post: false,
      preflightOnly: false,
      refusedBy: 'operator confirmation',
      reason: 'live order refused: no operator confirmation is recorded; run `legwork live confirm --operator NAME --note TEXT`',
    };
  }
  return { post: true, target: 'venue', reason: `LIVE: confirmed by ${inputs.confirmation.operator} at ${inputs.confirmation.at}` };
}
