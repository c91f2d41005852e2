import type { Page } from 'playwright-core';

/** Debian's chromium, headless, as the deployment tests launch it. */
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
/** SockJS session requests: /chat/{server}/{session}/{transport}. */
export const SOCKJS_SESSION_URL = /\/chat\/[^/.]+\/([^/.]+)\/(xhr|xhr_send|xhr_streaming|eventsource|htmlfile|jsonp|jsonp_send|websocket)(\?|$)/;

export interface Served {
  session: string;
  transport: string;
  node: string;
  status: number;
  at: number;
}

/** Every SockJS session request the page makes from now on, with the node that answered it. */
export function recordSockJs(page: Page): Served[] {
  const served: Served[] = [];
  page.on('response', (response) => {
    const m = SOCKJS_SESSION_URL.exec(response.url());
    if (m) served.push({ session: m[1], transport: m[2], node: response.headers()['x-chat-node'] ?? '?', status: response.status(), at: Date.now() });
  });
  return served;
}
