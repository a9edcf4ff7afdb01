/** A JSON path into the experiment spec, e.g. `['data', 'columns', 2]`. */
export type SpecPath = (string | number)[];

/** A problem found in the spec's data settings, pointing at the spec entry to change. */
export interface DataIssue {
  path: SpecPath;
  message: string;
}

/** A data problem the user can fix in the spec or the data file; `path` points at the spec entry to change. */
export class DataError extends Error {
  constructor(
    message: string,
    readonly path: SpecPath,
  ) {
    super(message);
    this.name = 'DataError';
  }

  static from(issue: DataIssue): DataError {
    return new DataError(issue.message, issue.path);
  }
}
