import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NAME_FORBIDDEN, nameKey, wellFormed } from './user-name';

describe('user names (#10)', () => {
  it('give look-alikes one key: case, width, invisible characters, confusable letters', () => {
    const key = nameKey('victim');
    for (const alike of ['Victim', 'VICTIM', 'ｖｉｃｔｉｍ', 'v\u0456ctim', 'vi\u0441tim', 'vic\u200btim', 'victim\ufe0f']) {
      assert.equal(nameKey(alike), key, JSON.stringify(alike));
    }
    assert.notEqual(nameKey('victor'), key);
    assert.notEqual(nameKey('alice'), nameKey('bob'));
  });

  it('refuse controls, bidi controls and zero-width characters', () => {
    for (const bad of ['a\nb', 'a\u0085b', '\u202eevil', 'a\u2066b', 'a\u200bb', 'a\u200db', 'a\ufeffb', 'a\u00adb']) {
      assert.ok(NAME_FORBIDDEN.test(bad), JSON.stringify(bad));
    }
    for (const good of ['alice', 'Zoë', 'Вика', '李雷', 'o\'brien', 'a b']) assert.ok(!NAME_FORBIDDEN.test(good), good);
  });

  it('replace lone surrogates, and only them, with U+FFFD', () => {
    assert.equal(wellFormed('a\ud800b'), 'a\ufffdb');
    assert.equal(wellFormed('\udc00x\ud83d'), '\ufffdx\ufffd');
    assert.equal(wellFormed('ok 😀'), 'ok 😀');
  });
});
