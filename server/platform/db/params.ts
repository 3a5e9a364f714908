/** Builds a positional parameter list (`$1`, `$2`…) as conditions are added to a query. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}
