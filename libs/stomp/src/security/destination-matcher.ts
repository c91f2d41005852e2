/**
 * Spring's simpDestMatchers patterns: `*` is one path segment, `**` any number of segments (at the end or
 * between slashes), everything else literal. Compiled once into a RegExp.
 */
export function destinationMatcher(pattern: string): (destination: string) => boolean {
  const source = pattern
    .split('/')
    .map((segment) => (segment === '**' ? '\u0000' : segment.split('*').map(escape).join('[^/]*')))
    .join('/')
    // `/**` matches the prefix itself and anything below it.
    .replace(/\/\u0000/g, '(?:/.*)?')
    .replace(/\u0000/g, '.*');
  const regex = new RegExp(`^${source}$`);
  return (destination) => regex.test(destination);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
