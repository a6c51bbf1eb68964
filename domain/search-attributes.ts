/**
 * Custom search attributes on every intent workflow, so the Temporal Web UI (and `legwork stuck`)
 * can answer "every leg stuck for more than a minute" with one visibility query.
 * Registered idempotently on the namespace at start-up (infra/temporal-server.ts).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA_INTENT_STATE = defineSearchAttributeKey('LegworkIntentState', SearchAttributeType.KEYWORD);
export const SA_LEG_A_STATE = defineSearchAttributeKey('LegworkLegAState', SearchAttributeType.KEYWORD);
export const SA_LEG_B_STATE = defineSearchAttributeKey('LegworkLegBState', SearchAttributeType.KEYWORD);
export const SA_VENUES = defineSearchAttributeKey('LegworkVenues', SearchAttributeType.KEYWORD_LIST);
export const SA_MARKET = defineSearchAttributeKey('LegworkMarket', SearchAttributeType.KEYWORD);
export const SA_STRATEGY = defineSearchAttributeKey('LegworkStrategy', SearchAttributeType.KEYWORD);
/** When the current leg last stopped making progress; unset while nothing is waiting. */
export const SA_STUCK_SINCE = defineSearchAttributeKey('LegworkStuckSince', SearchAttributeType.DATETIME);
/**
 * Exposed notional, indexed as a double for range queries in the UI only. It is never read back
 * for a decision; the exact figure lives in the workflow state and the ledger.
 */
export const SA_EXPOSURE = defineSearchAttributeKey('LegworkExposure', SearchAttributeType.DOUBLE);

/** The risk governor's global level (ACTIVE, REDUCING, HALTED, SAFE_MODE) and its engaged scopes. */
export const SA_GOVERNOR_LEVEL = defineSearchAttributeKey('LegworkGovernorLevel', SearchAttributeType.KEYWORD);
export const SA_KILL_SWITCHES = defineSearchAttributeKey('LegworkKillSwitches', SearchAttributeType.KEYWORD_LIST);

export const LEGWORK_SEARCH_ATTRIBUTES = [
  SA_INTENT_STATE,
  SA_LEG_A_STATE,
  SA_LEG_B_STATE,
  SA_VENUES,
  SA_MARKET,
  SA_STRATEGY,
  SA_STUCK_SINCE,
  SA_EXPOSURE,
  SA_GOVERNOR_LEVEL,
  SA_KILL_SWITCHES,
] as const;
