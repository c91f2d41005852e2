import { UseFilters, UseGuards, applyDecorators } from '@nestjs/common';
import { AuthenticationGuard } from './authentication.guard';
import { HttpErrorFilter } from './http-error.filter';
import { ApiHttpDoor } from './openapi-docs';

/**
 * Marks a controller as one of the chat's HTTP doors: its errors are `{error, message}` and nobody gets in
 * without what the identity rule asks (and its OpenAPI operations say both). One decorator, so no door can
 * have the one without the other.
 */
export const HttpDoor = (): ClassDecorator =>
  applyDecorators(UseFilters(HttpErrorFilter), UseGuards(AuthenticationGuard), ApiHttpDoor());
