import { Injectable } from '@nestjs/common';
import { MessageMapping, Payload, SendTo } from '@app/stomp';
import { HelloMessage, type Greeting } from './hello-message.dto';

/** Spring's GreetingController, line for line: SEND /app/hello → /topic/greetings. */
@Injectable()
export class GreetingController {
  @MessageMapping('/hello')
  @SendTo('/topic/greetings')
  greeting(@Payload() message: HelloMessage): Greeting {
    return { content: `Hello, ${escapeHtml(message.name)}!` };
  }
}

// Spring's sample escapes with HtmlUtils.htmlEscape: the page shows the greeting as HTML.
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
