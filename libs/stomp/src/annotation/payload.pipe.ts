import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { validatePayload } from './payload-converter';

/**
 * The default pipe of every @Payload() parameter: parsed JSON as an instance of the parameter's class,
 * validated by class-validator with each constraint's own error code. Global and @UsePipes pipes (Nest's
 * ValidationPipe, say) run before it on the same parsed JSON; pipes named on @Payload(...) run after it.
 */
@Injectable()
export class PayloadPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return validatePayload(value, metadata.metatype);
  }
}
