// #11 item 9: the README and docs/ stand on their own: they name no file outside the repository, every
// link they make points at a file (and heading) that exists, and the configuration they list is the one
// the server reads (libs/config/src/app-config.ts), defaults included.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { AppConfig } from '@app/config';

const ROOT = resolve(__dirname, '..', '..', '..');
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  'libs/stomp/README.md',
  'libs/chat-client/README.md',
  'bench/README.md',
];
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
const anchors = (markdown: string): Set<string> =>
  new Set([...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!.replace(/`/g, ''))));

/** Markdown links `[text](target)` outside code: fenced blocks and inline code are left out. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/** The variables AppConfig reads: its field names, as declared. */
const VARIABLES = [...read('libs/config/src/app-config.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+)[?]?(?::[^=;]+)?(?: =|;)/gm)].map((m) => m[1]!);

describe('#11 the documents are self-contained', () => {
  it('the documents exist', () => {
    for (const file of ['README.md', 'docs/destinations.md', 'docs/http.md', 'docs/limits.md', 'docs/identity.md', 'docs/architecture.md']) {
      assert.ok(DOCUMENTS.includes(file), `${file} is missing`);
    }
  });

  for (const file of DOCUMENTS) {
    it(`${file} names nothing outside the repository`, () => {
      const text = read(file);
      for (const outside of [/\.\.\/shared/, /CONTRACT\.md/, /ARCHITECTURE\.md/, /\/work\//]) {
        assert.doesNotMatch(text, outside, `${file} refers to ${outside.source}`);
      }
    });

    it(`${file} links only to files and headings that exist in the repository`, () => {
      for (const target of links(read(file))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: are not files
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), path);
        assert.ok(!relative(ROOT, resolved).startsWith('..'), `${file}: ${target} leaves the repository`);
        assert.ok(existsSync(resolved), `${file}: ${target} does not exist`);
        if (anchor !== undefined && statSync(resolved).isFile() && resolved.endsWith('.md')) {
          assert.ok(anchors(readFileSync(resolved, 'utf8')).has(anchor), `${file}: ${target} has no such heading`);
        }
      }
    });
  }
});

describe('#11 the documents list the configuration the server reads', () => {
  it('found the variables (the pattern still reads app-config.ts)', () => {
    assert.ok(VARIABLES.length >= 25, VARIABLES.join(' '));
    for (const name of ['PORT', 'DATABASE_URL', 'AUTH_JWKS_URL', 'MAX_FRAME_BYTES', 'METRICS_TOKEN']) assert.ok(VARIABLES.includes(name), name);
  });

  it('the README names every variable, with the default app-config.ts gives it', () => {
    const readme = read('README.md');
    for (const name of VARIABLES) assert.match(readme, new RegExp(`\`${name}\``), `README.md does not name ${name}`);
    const defaults = new AppConfig() as unknown as Record<string, unknown>;
    // Rows `| \`A\`, \`B\` | 1, 2 | ...`: each named variable against its default, in order.
    for (const [, names, values] of readme.matchAll(/^\| ((?:`[A-Z0-9_]+`(?:, )?)+) \| ([^|]+) \|/gm)) {
      const vars = names!.split(', ').map((n) => n.replace(/`/g, ''));
      const given = values!.split(',').map((v) => v.trim().replace(/`/g, ''));
      vars.forEach((name, i) => {
        if (defaults[name] === undefined || given[i]?.startsWith('(')) return;
        assert.equal(given[i], String(defaults[name]), `README.md gives ${name} the default ${given[i]}`);
      });
    }
  });

  it('docs/limits.md has a row for every numeric setting, with its default first', () => {
    const limits = read('docs/limits.md');
    const defaults = new AppConfig() as unknown as Record<string, unknown>;
    const numeric = Object.entries(defaults).filter(([name, value]) => typeof value === 'number' && name !== 'PORT');
    assert.ok(numeric.length >= 15);
    for (const [name, value] of numeric) {
      const row = new RegExp(`^\\| \`${name}\` \\| ${value}\\b`, 'm');
      assert.match(limits, row, `docs/limits.md: no row for ${name} with default ${value}`);
    }
  });
});
