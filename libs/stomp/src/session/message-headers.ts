import { encodeHeaderLine, usesEscaping, type StompVersion } from '@app/stomp-codec';
import { isApplicationHeader, type BrokerMessage } from '@app/messaging';

// Which headers of a message reach its MESSAGE frames, and which a STOMP version can carry at all.

export function messageHeaders(destination: string, message: BrokerMessage, version: StompVersion): [string, string][] {
  const out: [string, string][] = [['destination', destination]];
  for (const entry of message.headers) {
    if (!isApplicationHeader(entry[0])) continue;
    // STOMP 1.0 has no escaping: a header it cannot carry is left out rather than allowed to break the frame.
    if (version === '1.0' && !encodableWithoutEscapes(entry)) continue;
    out.push(entry);
  }
  return out;
}

export function isEncodable(command: string, name: string, value: string, version: StompVersion): boolean {
  try {
    encodeHeaderLine(name, value, usesEscaping(command, version) ? (version as '1.1' | '1.2') : undefined);
    return true;
  } catch {
    return false;
  }
}

function encodableWithoutEscapes([name, value]: [string, string]): boolean {
  return name.length > 0 && !/[:\r\n]/.test(name) && !/[\r\n]/.test(value);
}
