import { Allow } from 'class-validator';

/**
 * The body of a chat SEND (`/app/rooms/{room}`, `/app/chat`, `/app/dm/{user}`): a JSON object with
 * `from` and `text`. As a @Payload() type it makes the router refuse anything but an object (`null`, an
 * array, a string) with `bad-json`; the fields themselves are validated once, by the chat service, with
 * the same rules for every door (REST and the plain WebSocket post through it too).
 */
export class ChatMessageBody {
  @Allow()
  from?: unknown;

  @Allow()
  text?: unknown;
}
