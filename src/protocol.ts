/**
 * Every message between the extension host, a training worker and the experiment panel's
 * webview, typed once: one union per direction (host → worker, worker → host, host → webview,
 * webview → host), and each request declared with the type of its reply.
 *
 * A worker gets its whole job as `workerData` at start, so it needs no message listener
 * (which would keep it alive) and exits by itself when the run ends. Stopping is a flag in
 * shared memory that the training loop polls between steps.
 */
import type { Finding } from './engine/doctor/types';
import type { BackendPreference, TrainEngine } from './engine/engineKind';
import type { EpochEvent, GeneratedText, ProbeEvent, TrainEvent } from './engine/events';
import type { RunStatus } from './engine/runs/runStatus';
import type { RunSummary, SweepPoint } from './engine/runs/summary';
import type { ExperimentSpec } from './engine/spec/types';

/** Host → worker, as `workerData`. */
export interface TrainingJob {
  spec: ExperimentSpec;
  sweep?: SweepPoint;
  specPath: string;
  runsRoot: string;
  backend: BackendPreference;
  engine: TrainEngine;
  /** The pytorch engine: the Python named by the setting, else the interpreters to try in order. */
  python?: string;
  pythonFallbacks?: string[];
  resourcesDir: string;
  /** All of the run's memory (rnnLab.workerMemoryLimitMb): the run refuses to go past it. */
  memoryLimitMb: number;
  /** Threads for the kernels (rnnLab.threadsPerRun, or the share of the cores this run gets). */
  threads: number;
  /** An Int32Array of one element over this buffer: 1 means stop. */
  stopFlag: SharedArrayBuffer;
  /** Continue this stopped or interrupted run folder from its checkpoint instead (`spec` and `sweep` are its own). */
  resumeRunDir?: string;
}

export const STOP_REQUESTED = 1;

/**
 * Why a training worker's `error` event ended its run, for the run's reason: out of memory (naming
 * the limit and `knob`, the setting or flag that sets it) or a crash.
 */
export function trainingWorkerFailure(error: Error & { code?: string }, memoryLimitMb: number, knob: string): string {
  return error.code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? `the training worker ran out of memory (limit ${memoryLimitMb} MB, ${knob})`
    : `the training worker crashed: ${error.message}`;
}

/** Host → worker, as `workerData`: sample text from a finished run's saved weights, then exit. */
export interface GenerationJob {
  kind: 'generate';
  runDir: string;
  backend: BackendPreference;
  resourcesDir: string;
  temperature: number;
  /** Characters to sample. */
  length: number;
  seed: number;
}

/** Everything a worker can be started with. */
export type WorkerJob = TrainingJob | GenerationJob;

/** Worker → host. */
export const enum WorkerMessageType {
  /** The run folder exists; every later event is recorded in it. */
  RunCreated = 'run-created',
  /** A training event, after the run store recorded it. */
  Event = 'event',
  /** The run is over and its folder complete. */
  Finished = 'finished',
  /** A generation job's sample, or why there is none. */
  Generated = 'generated',
  /** The run could not start (the pytorch engine found no Python with torch): the reason. */
  Failed = 'failed',
}

export interface RunCreatedMessage {
  type: WorkerMessageType.RunCreated;
  runDir: string;
}

export interface EventMessage {
  type: WorkerMessageType.Event;
  event: TrainEvent;
}

export interface FinishedMessage {
  type: WorkerMessageType.Finished;
  runDir: string;
  summary: RunSummary;
}

export interface GenerationResultMessage {
  type: WorkerMessageType.Generated;
  generated?: GeneratedText;
  error?: string;
}

export interface FailedToStartMessage {
  type: WorkerMessageType.Failed;
  reason: string;
}

export type WorkerMessage = RunCreatedMessage | EventMessage | FinishedMessage | GenerationResultMessage | FailedToStartMessage;

/** What a worker answers a job with: a training job's run folder, events and end; a generation job's sample. */
export type WorkerReplyTo<J extends WorkerJob> = J extends GenerationJob ? GenerationResultMessage : Exclude<WorkerMessage, GenerationResultMessage>;

// ---------------------------------------------------------------------------------------------
// Host ↔ experiment panel (webview). Everything the panel shows arrives by these messages; every
// message from the panel is checked by the host (`src/extension/panel/panelMessages.ts`).

/** The webview panel type, also named by the `onWebviewPanel:` activation event. */
export const PANEL_VIEW_TYPE = 'rnnLab.experiment';

/** Host → webview: the `type` of every `ToWebviewMessage`. */
export const enum ToWebviewType {
  /** Which experiment the panel shows; sent first, and again after a reload. */
  Init = 'init',
  /** The experiment's runs, newest first. */
  RunList = 'run-list',
  /** A run's whole history: replaces what the panel shows. */
  RunLoaded = 'run-loaded',
  /** What a live run did since the last update: appended to what the panel shows. */
  RunProgress = 'run-progress',
  /** One probe epoch of a run, capped in size. */
  Probe = 'probe',
  /** The validation curves, configs and summaries of the runs chosen for comparison. */
  Compare = 'compare',
  /** A generated text sample for the language-model view. */
  Generated = 'generated',
  /** Bring a view forward and tick runs in the Compare view. */
  Focus = 'focus',
  /** A short note for the user in the header, e.g. that a run no longer exists. */
  Notice = 'notice',
  /** The experiment's sweep groups and the summary of the one shown. */
  SweepSummary = 'sweep-summary',
}

/** Webview → host: the `type` of every `FromWebviewMessage`. */
export const enum FromWebviewType {
  /** The panel's script is listening. */
  Ready = 'ready',
  /** Show this run (an id from the run list). */
  SelectRun = 'select-run',
  /** Send this probe epoch of this run. */
  RequestProbe = 'request-probe',
  /** Send the comparison of these runs. */
  RequestCompare = 'request-compare',
  /** Run a command on the panel's experiment. */
  Command = 'command',
  /** Sample text from this run's model at a temperature. */
  Generate = 'generate',
  /** Save an exported chart (PNG data URL or SVG text) to a file the user chooses. */
  SaveChart = 'save-chart',
  /** Save this run's metrics as CSV to a file the user chooses. */
  SaveMetrics = 'save-metrics',
  /** Send the summary of this sweep group (or of the newest one). */
  RequestSweep = 'request-sweep',
}

/** One entry of the run list. */
export interface PanelRunItem {
  id: string;
  /** The sweep label, or the run id. */
  label: string;
  status: RunStatus;
  startedAt: string;
  bestValidationLoss?: number;
  bestValidationAccuracy?: number;
  live: boolean;
}

/** The header of the shown run. */
export interface PanelRunHeader {
  id: string;
  name: string;
  status: RunStatus;
  reason?: string;
  live: boolean;
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  elapsedMs: number;
  /** The median over the run (`RunState.stepsPerSecond`), live or recorded. */
  stepsPerSecond?: number;
  /** What trained it, in words (`describeEngine`). */
  engine?: string;
  cell?: string;
  baseline?: { loss: number; label: string };
  /** The training doctor's standing findings. */
  findings?: readonly Finding[];
  /** The data file the run read, resolved. */
  dataFile?: string;
}

/** One training step, as the loss chart needs it. */
export interface PanelStepRow {
  step: number;
  epoch: number;
  loss: number;
  /** Milliseconds since the run started, for the wall-clock axis (absent in older runs). */
  elapsedMs?: number;
  /** The learning rate the step ran at, for the loss chart's overlay. */
  learningRate?: number;
}

/** ‖∂L/∂h_t‖ of one probe epoch: [layer][time]. */
export interface PanelGradientFlow {
  epoch: number;
  norms: number[][];
  /** A name for each row of `norms`: "layer 0", or "layer 0 · forward", "layer 0 · reverse", … (see `gradientRowLabels`). */
  rows: string[];
  /** The time steps of the norms when the probe was decimated (see `ProbeEvent.steps`). */
  steps?: number[];
}

export interface InitMessage {
  type: ToWebviewType.Init;
  specUri: string;
  experiment: string;
}

export interface RunListMessage {
  type: ToWebviewType.RunList;
  runs: PanelRunItem[];
  /** The run shown now. */
  selected?: string;
}

export interface RunLoadedMessage {
  type: ToWebviewType.RunLoaded;
  header: PanelRunHeader;
  /** Downsampled to a screenful, keeping each bucket's extrema. */
  steps: PanelStepRow[];
  epochs: EpochEvent[];
  /** The epochs that have a probe, ascending. */
  probeEpochs: number[];
  gradients: PanelGradientFlow[];
}

export interface RunProgressMessage {
  type: ToWebviewType.RunProgress;
  header: PanelRunHeader;
  steps: PanelStepRow[];
  epochs: EpochEvent[];
  probeEpochs: number[];
  gradients: PanelGradientFlow[];
}

export interface ProbeMessage {
  type: ToWebviewType.Probe;
  runId: string;
  probe: ProbeEvent;
}

/** One run in the comparison. */
export interface PanelCompareRun {
  id: string;
  label: string;
  status: RunStatus;
  epochs: Pick<EpochEvent, 'epoch' | 'validationLoss' | 'validationAccuracy'>[];
  /** The run's resolved spec flattened to `path → value` text. */
  config: Record<string, string>;
  bestValidationLoss?: number;
  bestEpoch?: number;
  bestValidationAccuracy?: number;
  durationMs: number;
}

export interface CompareMessage {
  type: ToWebviewType.Compare;
  runs: PanelCompareRun[];
}

export interface GeneratedMessage {
  type: ToWebviewType.Generated;
  runId: string;
  /** Where the sample comes from: the run's latest probe or its saved weights. */
  source: 'probe' | 'weights';
  generated?: GeneratedText;
  /** Why there is no sample, when there is none. */
  note?: string;
}

/** The panel's views, as their tabs name them. */
export type PanelView = 'loss' | 'hidden' | 'gradient' | 'predictions' | 'compare' | 'sweep';

export const PANEL_VIEWS: readonly PanelView[] = ['loss', 'hidden', 'gradient', 'predictions', 'compare', 'sweep'];

export interface FocusMessage {
  type: ToWebviewType.Focus;
  view?: PanelView;
  /** The run the host shows now (already sent with the run list), kept across reloads. */
  runId?: string;
  /** Runs to tick in the Compare view; only ids of the run list are kept. */
  compareRunIds?: string[];
}

export interface NoticeMessage {
  type: ToWebviewType.Notice;
  text: string;
}

/** One run of a sweep, from its summary alone (or from the live run of this window). */
export interface PanelSweepRun {
  /** The run id, or a placeholder for a run that never got a folder (queued, cancelled). */
  id: string;
  /** The run's place in the sweep's grid, from 0. */
  index: number;
  label: string;
  /** The run's value of each swept key (JSON values). */
  values: Record<string, unknown>;
  status: RunStatus;
  bestValidationLoss?: number;
  bestEpoch?: number;
  bestValidationAccuracy?: number;
  epochsDone: number;
  epochsPlanned?: number;
  durationMs: number;
}

/** A sweep group of the experiment, for the selector. */
export interface PanelSweepGroup {
  id: string;
  /** ISO 8601: when the sweep was started. */
  startedAt: string;
  /** Runs the sweep was started with. */
  count: number;
}

/** The summary of one sweep group. */
export interface PanelSweep {
  groupId: string;
  /** The swept keys, in the sweep's order. */
  keys: string[];
  /** Runs the sweep was started with; deleted runs are missing from `runs`. */
  count: number;
  /** In grid order. */
  runs: PanelSweepRun[];
  /** The run with the lowest best validation loss. */
  bestRunId?: string;
}

export interface SweepSummaryMessage {
  type: ToWebviewType.SweepSummary;
  /** Newest first; empty when the experiment has no sweep. */
  groups: PanelSweepGroup[];
  sweep?: PanelSweep;
}

export type ToWebviewMessage =
  | InitMessage
  | RunListMessage
  | RunLoadedMessage
  | RunProgressMessage
  | ProbeMessage
  | CompareMessage
  | GeneratedMessage
  | FocusMessage
  | NoticeMessage
  | SweepSummaryMessage;

export interface ReadyMessage {
  type: FromWebviewType.Ready;
}

export interface SelectRunMessage {
  type: FromWebviewType.SelectRun;
  runId: string;
}

export interface RequestProbeMessage {
  type: FromWebviewType.RequestProbe;
  runId: string;
  epoch: number;
}

export interface RequestCompareMessage {
  type: FromWebviewType.RequestCompare;
  runIds: string[];
}

/** The commands the panel's buttons run. */
export type PanelCommand = 'stop' | 'train' | 'openSpec';

export interface CommandMessage {
  type: FromWebviewType.Command;
  command: PanelCommand;
}

export interface GenerateMessage {
  type: FromWebviewType.Generate;
  runId: string;
  temperature: number;
}

export interface SaveChartMessage {
  type: FromWebviewType.SaveChart;
  /** A file name without folder, e.g. `loss.png`. */
  fileName: string;
  format: 'png' | 'svg';
  /** A `data:image/png;base64,…` URL, or SVG text. */
  data: string;
}

export interface SaveMetricsMessage {
  type: FromWebviewType.SaveMetrics;
  runId: string;
}

export interface RequestSweepMessage {
  type: FromWebviewType.RequestSweep;
  /** The sweep group to show; the newest when absent or unknown. */
  groupId?: string;
}

export type FromWebviewMessage =
  | ReadyMessage
  | SelectRunMessage
  | RequestProbeMessage
  | RequestCompareMessage
  | CommandMessage
  | GenerateMessage
  | SaveChartMessage
  | SaveMetricsMessage
  | RequestSweepMessage;

/** The webview message of a type. */
export type FromWebviewOf<T extends FromWebviewType> = Extract<FromWebviewMessage, { type: T }>;

/**
 * Each request of the webview with the message that answers it: the host's handler of a request
 * answers with exactly this type (with a `NoticeMessage` instead when the run it names is gone). Other
 * host messages are pushed (a live run's progress, a new probe), and the webview handles replies
 * and pushes alike, by type; the other webview messages (`Command`, `SaveChart`, `SaveMetrics`)
 * have no answer.
 */
export interface PanelReplies {
  [FromWebviewType.Ready]: InitMessage;
  [FromWebviewType.SelectRun]: RunLoadedMessage;
  [FromWebviewType.RequestProbe]: ProbeMessage;
  [FromWebviewType.RequestCompare]: CompareMessage;
  [FromWebviewType.Generate]: GeneratedMessage;
  [FromWebviewType.RequestSweep]: SweepSummaryMessage;
}

/** A webview message that the host answers. */
export type PanelRequest = FromWebviewOf<keyof PanelReplies>;

/** The reply to a request. */
export type ReplyTo<M extends PanelRequest> = PanelReplies[M['type']];

/** What the webview keeps with `setState`, and what the serializer gets back after a reload. */
export interface PanelState {
  specUri: string;
  view?: string;
  runId?: string;
  smoothing?: number;
  logScale?: boolean;
  /** The loss chart's x axis: 'step', 'epoch' or 'time'. */
  lossAxis?: string;
  /** The loss chart overlays the learning rate. */
  showLearningRate?: boolean;
  /** The Compare view's smoothing weight. */
  compareSmoothing?: number;
  layer?: number;
  /** The Hidden state view's direction of a bidirectional model: 'forward' or 'reverse'. */
  direction?: string;
  quantity?: string;
  sample?: number;
  unit?: number;
  probeEpoch?: number;
  compare?: string[];
  /** The sweep group chosen in the Sweep view. */
  sweepGroup?: string;
}
