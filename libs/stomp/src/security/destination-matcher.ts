/**
 * Spring's simpDestMatchers patterns: `*` is one path segment, `**` any number of segments (at the end or
 * between slashes), `{name}` one whole segment captured as a variable (Spring Security's
 * `"/topic/rooms/{room}/**"` with `#room`), everything else literal. Compiled once into a RegExp.
 */
export function destinationMatcher(pattern: string): (destination: string) => boolean {
  const compiled = compileDestinationPattern(pattern);
  return (destination) => compiled.match(destination) !== undefined;
}

export interface CompiledDestinationPattern {
  /** The pattern's `{name}` variables of a matching destination (empty when it has none), or undefined. */
  match(destination: string): ReadonlyMap<string, string> | undefined;
}

const NO_VARIABLES: ReadonlyMap<string, string> = new Map();

export function compileDestinationPattern(pattern: string): CompiledDestinationPattern {
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment === '**') return '\u0000';
      const variable = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(segment);
      if (variable) {
        names.push(variable[1]);
        return '([^/]+)';
      }
      return segment.split('*').map(escape).join('[^/]*');
    })
    .join('/')
    // `/**` matches the prefix itself and anything below it.
    .replace(/\/\u0000/g, '(?:/.*)?')
    .replace(/\u0000/g, '.*');
  const regex = new RegExp(`^${source}$`);
  return {
    match(destination) {
      const m = regex.exec(destination);
      if (!m) return undefined;
      return names.length === 0 ? NO_VARIABLES : new Map(names.map((name, i) => [name, m[i + 1]]));
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
