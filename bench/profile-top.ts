/**
 * `node dist/bench/profile-top.js FILE.cpuprofile [N]`: the N functions with the most self time in a V8
 * CPU profile (as written with BENCH_CPU_PROF), with their share of the samples, for a note or a diff.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export function topSelfTime(profile: { nodes: ProfileNode[] }, n: number): Array<{ name: string; share: number }> {
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byName.set(name, (byName.get(name) ?? 0) + (node.hitCount ?? 0));
  }
  return [...byName].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, hits]) => ({ name, share: hits / total }));
}

if (require.main === module) {
  const [file, count = '25'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-top.js FILE.cpuprofile [N]');
    process.exit(2);
  }
  for (const { name, share } of topSelfTime(JSON.parse(readFileSync(file, 'utf8')), Number(count))) {
    console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
}
