// Configuration problems, as startup validation reports them.
/** What is wrong with one option value, and how to fix it. */
export interface CorsProblemDetail {
  readonly message: string;
  readonly fix: string;
}

/** A configuration problem found at startup, with the place it was found. */
export interface CorsProblem extends CorsProblemDetail {
  /** `CorsModule options`, a controller name, or `Controller.handler`. */
  readonly place: string;
}
