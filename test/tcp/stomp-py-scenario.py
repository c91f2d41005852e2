"""#15: stomp.py (Debian's python3-stomp) against the chat's STOMP over TCP or TLS door.

Run by stomp-py.spec.ts:  stomp-py-scenario.py HOST PORT ROOM HTTP_URL CA_FILE tcp|tls
With `tls` the STOMP port speaks TLS and its certificate is verified against CA_FILE, as the HTTPS URL's is.
Prints one JSON object with what the clients saw; the spec asserts on it. Any failure to see an
expected frame in time raises, so the script exits non-zero with the reason on stderr.
"""
import json
import logging
import os
import select
import ssl
import sys
import threading
import time
import urllib.request

import stomp
from stomp.transport import Transport

HOST, PORT, ROOM, HTTP_URL = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
CA_FILE, DOOR = sys.argv[5], sys.argv[6]
WAIT = 10.0
if os.environ.get('STOMP_PY_DEBUG'):
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)


def serialize_tls_io():
    """
    stomp.py without its PR #452 (Debian's 8.0) reads its socket in a receiver thread while the caller's thread
    writes. An OpenSSL connection must not be used by two threads at once: over TLS 1.3 about one session
    in twenty loses its first frame (the server never sees CONNECT) or crashes the interpreter, with any
    server (a bare Node TLS server shows it too): jasonrbriggs/stomp.py#450, fixed upstream by #452, which
    does all TLS I/O in one thread. Here the fix is the smallest one: wait for data outside the lock that
    stomp.py's send() already takes, then read without blocking under it, so SSL_read and SSL_write never
    overlap. Plain TCP is untouched.
    """
    original = Transport.receive

    def receive(self):
        sock = self.socket
        if not isinstance(sock, ssl.SSLSocket):
            return original(self)
        if not sock.pending():
            readable, _, _ = select.select([sock], [], [], 0.2)
            if not readable:
                raise stomp.exception.InterruptedException()
        with self._Transport__socket_semaphore:
            timeout = sock.gettimeout()
            sock.settimeout(0)
            try:
                return sock.recv(self._Transport__recv_bytes)
            except ssl.SSLWantReadError:
                raise stomp.exception.InterruptedException()
            finally:
                sock.settimeout(timeout)

    Transport.receive = receive


serialize_tls_io()


class Recorder(stomp.ConnectionListener):
    """Keeps every frame a connection receives, and lets the scenario wait for one."""

    def __init__(self):
        self.frames = []
        self.heartbeats = 0
        self.disconnected = False
        self.cond = threading.Condition()

    def _add(self, kind, frame):
        with self.cond:
            self.frames.append((kind, frame))
            self.cond.notify_all()

    def on_connected(self, frame): self._add('CONNECTED', frame)
    def on_message(self, frame): self._add('MESSAGE', frame)
    def on_receipt(self, frame): self._add('RECEIPT', frame)
    def on_error(self, frame): self._add('ERROR', frame)

    def on_heartbeat(self):
        with self.cond:
            self.heartbeats += 1
            self.cond.notify_all()

    def on_disconnected(self):
        with self.cond:
            self.disconnected = True
            self.cond.notify_all()

    def wait(self, what, match, count=1):
        deadline = time.time() + WAIT
        with self.cond:
            while True:
                found = [f for k, f in self.frames if k == what and match(f)]
                if len(found) >= count:
                    return found
                left = deadline - time.time()
                if left <= 0:
                    seen = [(k, dict(f.headers)) for k, f in self.frames]
                    raise AssertionError(f'no {what} matching in {WAIT}s; saw {seen}')
                self.cond.wait(left)

    def receipt(self, rid):
        return self.wait('RECEIPT', lambda f: f.headers.get('receipt-id') == rid)[0]

    def messages(self, sub, count=1):
        frames = self.wait('MESSAGE', lambda f: f.headers.get('subscription') == sub, count)
        return [json.loads(f.body) for f in frames]


def open_connection(cls, user, heartbeats=(0, 0)):
    # STOMP 1.0 has no heart-beats, and stomp.py's 1.0 connection takes no such argument.
    extra = {} if cls is stomp.Connection10 else {'heartbeats': heartbeats}
    conn = cls([(HOST, PORT)], timeout=WAIT, reconnect_attempts_max=1, **extra)
    if DOOR == 'tls':
        conn.set_ssl(for_hosts=[(HOST, PORT)], ca_certs=CA_FILE)
    rec = Recorder()
    conn.set_listener('rec', rec)
    conn.connect(username=user, wait=True)
    return conn, rec


def http_post(path, body):
    context = ssl.create_default_context(cafile=CA_FILE)
    req = urllib.request.Request(HTTP_URL + path, data=json.dumps(body).encode(), method='POST',
                                 headers={'content-type': 'application/json'})
    with urllib.request.urlopen(req, context=context, timeout=WAIT) as res:
        return json.loads(res.read())


out = {}
topic = f'/topic/rooms/{ROOM}'

# --- 1.2: receipts, live messages, REST crossing into TCP, since-id resume, DMs, errors --------------
ann, ann_rec = open_connection(stomp.Connection12, 'ann', heartbeats=(1000, 1000))
connected = ann_rec.wait('CONNECTED', lambda f: True)[0]
out['connected'] = dict(connected.headers)
ann.subscribe(topic, id='live', headers={'receipt': 'sub-live'})
ann.subscribe('/user/queue/errors', id='errors')
ann.subscribe('/user/queue/messages', id='dm', headers={'receipt': 'sub-dm'})
ann_rec.receipt('sub-live')
ann_rec.receipt('sub-dm')

ann.send(f'/app/rooms/{ROOM}', json.dumps({'text': 'hello over stomp.py'}), content_type='application/json',
         headers={'receipt': 'm1'})
out['receipt_m1'] = dict(ann_rec.receipt('m1').headers)
first = ann_rec.messages('live', 1)[0]
out['first'] = first

rest = http_post(f'/api/rooms/{ROOM}/messages', {'from': 'carol', 'text': 'posted over REST'})
out['rest'] = rest
out['live'] = ann_rec.messages('live', 2)

# A second session resumes after the first message: the REST one comes first, then live ones.
bob, bob_rec = open_connection(stomp.Connection12, 'bob')
bob.subscribe('/user/queue/messages', id='dm', headers={'receipt': 'bob-dm'})
bob.subscribe(topic, id='resume', headers={'since-id': str(first['id']), 'receipt': 'bob-resume'})
bob_rec.receipt('bob-dm')
bob_rec.receipt('bob-resume')
ann.send(f'/app/rooms/{ROOM}', json.dumps({'text': 'third'}), headers={'receipt': 'm3'})
ann_rec.receipt('m3')
out['resumed'] = bob_rec.messages('resume', 2)

# A DM from ann reaches bob's sessions and ann's own.
ann.send('/app/dm/bob', json.dumps({'text': 'psst'}), headers={'receipt': 'dm1'})
ann_rec.receipt('dm1')
out['dm_bob'] = bob_rec.messages('dm', 1)[0]
out['dm_ann'] = ann_rec.messages('dm', 1)[0]

# Not JSON: stored nowhere, answered on /user/queue/errors, and the session goes on.
ann.send(f'/app/rooms/{ROOM}', 'this is {not json', headers={'receipt': 'bad'})
out['bad_json'] = ann_rec.messages('errors', 1)[0]

# Heart-beats both ways (the server proposes HEARTBEAT_MS; the client 1000 ms).
deadline = time.time() + WAIT
while ann_rec.heartbeats < 1 and time.time() < deadline:
    time.sleep(0.1)
out['heartbeats'] = ann_rec.heartbeats
ann.send(f'/app/rooms/{ROOM}', json.dumps({'text': 'still here'}), headers={'receipt': 'late'})
ann_rec.receipt('late')
out['alive_after_heartbeats'] = not ann_rec.disconnected

bob.disconnect()
ann.disconnect(receipt='bye')
out['ann_disconnected_cleanly'] = True

# --- 1.1 and 1.0 sessions on the same door ------------------------------------------------------------
for name, cls in (('v11', stomp.Connection11), ('v10', stomp.Connection10)):
    conn, rec = open_connection(cls, f'old-{name}')
    out[f'{name}_connected'] = dict(rec.wait('CONNECTED', lambda f: True)[0].headers)
    conn.subscribe(topic, id=f'{name}-sub', headers={'receipt': f'{name}-sub'})
    rec.receipt(f'{name}-sub')
    conn.send(f'/app/rooms/{ROOM}', json.dumps({'text': f'from {name}'}), headers={'receipt': f'{name}-send'})
    rec.receipt(f'{name}-send')
    out[f'{name}_message'] = [m for m in rec.messages(f'{name}-sub', 1)][0]
    conn.disconnect()

print(json.dumps(out))
