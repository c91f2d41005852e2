import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allowedOrigins, ConfigError, loadConfig } from './app-config';

describe('loadConfig: the operations variables (#10)', () => {
  it('accepts loopback and address/CIDR lists for TRUST_PROXY, refuses anything else', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'loopback' }).TRUST_PROXY, 'loopback');
    assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1,192.168.1.7' }).TRUST_PROXY, '10.0.0.0/8, ::1,192.168.1.7');
    assert.throws(() => loadConfig({ TRUST_PROXY: 'everyone' }), ConfigError);
    assert.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/99' }), ConfigError);
  });

  it('takes PUBLIC_URL as an http(s) origin and makes it our own origin', () => {
    const list = allowedOrigins(loadConfig({ PUBLIC_URL: 'https://chat.example.com/' }));
    assert.notEqual(list, '*');
    assert.equal(list !== '*' && list.own, 'https://chat.example.com');
    const unpinned = allowedOrigins(loadConfig({}));
    assert.ok(unpinned !== '*' && unpinned.own === undefined, 'without PUBLIC_URL the Host header decides');
    for (const bad of ['chat.example.com', 'ftp://chat.example.com', 'https://chat.example.com/app', 'https://u:p@chat.example.com']) {
      assert.throws(() => loadConfig({ PUBLIC_URL: bad }), ConfigError, bad);
    }
  });

  it('knows LOG_FORMAT text and json only, and a METRICS_TOKEN of 8 characters or more', () => {
    assert.equal(loadConfig({}).LOG_FORMAT, 'text');
    assert.equal(loadConfig({ LOG_FORMAT: 'json' }).LOG_FORMAT, 'json');
    assert.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), ConfigError);
    assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), ConfigError);
    assert.equal(loadConfig({ METRICS_TOKEN: 'long-enough-token' }).METRICS_TOKEN, 'long-enough-token');
  });
});
