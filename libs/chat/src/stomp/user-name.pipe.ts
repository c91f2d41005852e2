import { Injectable, type PipeTransform } from '@nestjs/common';
import { validateUserName } from '../post-message.dto';

/** A user named in a destination (`/app/dm/{user}`): the same rules as a sender's name, `invalid-from` otherwise. */
@Injectable()
export class UserNamePipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    return validateUserName(value);
  }
}
