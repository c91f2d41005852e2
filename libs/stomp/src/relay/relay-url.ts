/** Where and as whom the relay connects: parsed from BROKER_RELAY=stomp://user:pass@host:61613[/vhost]. */
export interface RelayTarget {
  host: string;
  port: number;
  login?: string;
  passcode?: string;
  /** The STOMP `host` header; RabbitMQ reads it as the virtual host. */
  virtualHost: string;
}

export class RelayUrlError extends Error {
  override readonly name = 'RelayUrlError';
}

export function parseRelayUrl(value: string): RelayTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RelayUrlError('BROKER_RELAY must look like stomp://user:pass@host:61613');
  }
  if (url.protocol !== 'stomp:' || url.hostname === '') {
    throw new RelayUrlError('BROKER_RELAY must look like stomp://user:pass@host:61613');
  }
  const port = url.port === '' ? 61613 : Number(url.port);
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    login: url.username === '' ? undefined : decodeURIComponent(url.username),
    passcode: url.password === '' ? undefined : decodeURIComponent(url.password),
    virtualHost: path === '' ? '/' : path,
  };
}
