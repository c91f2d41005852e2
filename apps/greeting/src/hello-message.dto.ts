import { IsString, Length } from 'class-validator';

/** Spring's HelloMessage: `{"name": "..."}`. */
export class HelloMessage {
  @IsString() @Length(1, 64, { context: { code: 'invalid-name' } })
  name!: string;
}

/** Spring's Greeting: `{"content": "Hello, NAME!"}`. */
export interface Greeting {
  content: string;
}
