/** Bundles workflows/ once (webpack, ~1.5 s) so worker processes and restarts load it instantly. */
import { bundleWorkflowCode } from '@temporalio/worker';

/** The bundler reports every module at info level; only its warnings and errors are worth showing. */
function bundlerLogger(warn: (line: string) => void) {
  const ignore = () => undefined;
  return { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: (m: string) => warn(`bundler: ${m}`), error: (m: string) => warn(`bundler: ${m}`) };
}

export async function bundleWorkflows(warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: bundlerLogger(warn) });
  return code;
}
