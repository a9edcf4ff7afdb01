/**
 * An action run once, `delayMs` after the first of any number of requests: how the panel and
 * the runs view turn a stream of changes (an event per training step) into a few redraws.
 */
export class CoalescedCall {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly delayMs: number,
    private readonly action: () => void,
  ) {}

  /** Runs the action after the delay, unless a run is already pending. */
  request(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.action();
    }, this.delayMs);
  }

  /** Cancels a pending run. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
