/** What every command needs from its surroundings; tests pass their own. */
export interface CliContext {
  /** The folder with the built-in datasets and the spec schema (see `resourcesDir`). */
  resourcesDir: string;
}
