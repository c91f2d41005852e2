// #4: a chat message holding `</script>` must not end the htmlfile script block (stored XSS).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { escapeFrame } from './htmlfile-frame.guard';

const frame = (payload: string) => `<script>\np(${JSON.stringify(payload)});\n</script>\r\n`;

describe('htmlfile frame guard', () => {
  it('leaves no `<` inside the frame\'s string, so `</script>` cannot close the block', () => {
    const hostile = 'a["MESSAGE\\n\\n</script><script>alert(1)</script>\\u0000"]';
    const escaped = escapeFrame(frame(hostile));
    const inner = escaped.slice('<script>\n'.length, escaped.lastIndexOf('\n</script>'));
    assert.equal(inner.includes('<'), false);
    assert.equal(escaped.indexOf('</script>'), escaped.lastIndexOf('</script>'), 'exactly one closing tag: the frame\'s own');
  });

  it('decodes to the very same payload in the page', () => {
    const payload = 'a["<b>bold</b> </script> <!-- x"]';
    const escaped = escapeFrame(frame(payload));
    const script = escaped.slice('<script>\n'.length, escaped.lastIndexOf('\n</script>'));
    let got: unknown;
    runInNewContext(script, { p: (d: unknown) => { got = d; } });
    assert.equal(got, payload);
  });

  it('passes other writes (the iframe prelude, non-frames) through untouched', () => {
    assert.equal(escapeFrame('<!doctype html><script>var c;</script>'), '<!doctype html><script>var c;</script>');
    assert.equal(escapeFrame('h'), 'h');
  });
});
