/** Every workflow the worker hosts. This file is the bundler's entry point: export workflows only. */
export { orderIntentWorkflow, stateQuery, orderUpdateSignal, cancelIntentSignal } from './order-intent';
export {
  riskGovernorWorkflow,
  killSwitchSignal,
  enterSafeModeSignal,
  resolveFindingSignal,
  breakerEventSignal,
  reconciliationReportSignal,
  governorStateQuery,
  gateQuery,
  acknowledgeSafeModeUpdate,
} from './risk-governor';
export { reconciliationWorkflow } from './reconciliation';
export { userStreamRouterWorkflow } from './user-stream-router';
export { flattenIntentWorkflow } from './flatten';
export { signalLoopWorkflow } from './signal-loop';
