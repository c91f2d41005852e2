/**
 * A destination pattern such as `/rooms/{room}` or `/rooms/{room}/history`. A variable matches one path
 * segment (no `/`); everything else matches literally, so a destination never becomes a regular
 * expression: the pattern's own literal parts are escaped when compiled.
 */
export class DestinationPattern {
  private readonly regex?: RegExp;
  readonly variables: string[] = [];

  constructor(readonly pattern: string) {
    if (!pattern.startsWith('/')) throw new Error(`destination pattern must start with "/": ${pattern}`);
    if (!pattern.includes('{')) return;
    const source = pattern.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}|([^{]+)/g, (_m, name: string | undefined, literal: string | undefined) => {
      if (name !== undefined) {
        this.variables.push(name);
        return '([^/]+)';
      }
      return (literal ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    });
    this.regex = new RegExp(`^${source}$`);
  }

  get isLiteral(): boolean {
    return this.regex === undefined;
  }

  /** The variables of a matching destination, or undefined when it does not match. */
  match(destination: string): Map<string, string> | undefined {
    if (!this.regex) return destination === this.pattern ? new Map() : undefined;
    const m = this.regex.exec(destination);
    if (!m) return undefined;
    return new Map(this.variables.map((name, i) => [name, m[i + 1]!]));
  }
}
