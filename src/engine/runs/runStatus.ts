/**
 * The one vocabulary of a run's status, read by the run store, the CLI, the worker's host, the
 * panel, the runs view and the editor's CodeLens and status bar, and the subsets each of them
 * may hold: a run folder records fewer statuses than a run of the editor's queue passes through.
 */

/**
 * `queued`: waits in the editor's queue (no run folder yet); `stopping`: asked to stop, not yet
 * stopped; `interrupted`: its process went away without ending it; `cancelled`: taken out of the
 * queue before it started (it never gets a run folder).
 */
export type RunStatus = 'queued' | 'running' | 'stopping' | 'completed' | 'stopped' | 'failed' | 'interrupted' | 'cancelled';

/** The statuses a run folder's summary records. */
export type RecordedRunStatus = Extract<RunStatus, 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted'>;

/** The statuses a run's end event gives it. */
export type EndStatus = Extract<RunStatus, 'completed' | 'stopped' | 'failed'>;

export const RECORDED_RUN_STATUSES: readonly RecordedRunStatus[] = ['running', 'completed', 'stopped', 'failed', 'interrupted'];

/** Waiting, training or stopping: the run is not over. */
export function isActiveStatus(status: RunStatus): boolean {
  return status === 'queued' || status === 'running' || status === 'stopping';
}

/** The status a run folder would record for a run in this status; a cancelled run counts as stopped. */
export function recordedStatus(status: RunStatus): RecordedRunStatus {
  if (isActiveStatus(status)) return 'running';
  return status === 'cancelled' ? 'stopped' : (status as RecordedRunStatus);
}
