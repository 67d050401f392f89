import * as n8nWorkflow from 'n8n-workflow';

type AbortableSleep = (ms: number, abortSignal?: AbortSignal) => Promise<void>;
const workflowHelpers = n8nWorkflow as unknown as { sleep: AbortableSleep; sleepWithAbort?: AbortableSleep };

/** Waits `ms`, or less if the signal aborts. n8n 1.x waits with `sleepWithAbort`; 2.x removed it and gave `sleep` the abort signal instead. */
export const abortableSleep: AbortableSleep = workflowHelpers.sleepWithAbort ?? workflowHelpers.sleep;
