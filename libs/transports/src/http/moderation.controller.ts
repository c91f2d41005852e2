import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditTrail, MAX_AUDIT_LIMIT, Moderation, renderAuditEntry, renderBan, renderMute } from '@app/chat';
import type { Principal } from '@app/stomp-session';
import { RequestPrincipal } from './authentication.guard';
import { ChatRateLimitGuard } from './chat-rate-limit.guard';
import { HttpDoor } from './http-door.decorator';
import { ApiErrors, arrayOf, schemaRef } from './openapi-docs';

const WHO = 'A moderator or an admin (token role), or the owner of the room; anyone else is 403 `forbidden` and nothing changes.';

/**
 * Mutes, bans and the audit trail (CONTRACT "Moderation"): doors onto the chat's Moderation and
 * AuditTrail, which decide who may and keep every node's access rule in step.
 */
@Controller('api')
@HttpDoor()
@ApiTags('moderation')
export class ModerationController {
  constructor(
    private readonly moderation: Moderation,
    private readonly audit: AuditTrail,
  ) {}

  @Post('rooms/:room/mutes')
  @UseGuards(ChatRateLimitGuard)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Mute a user in the room for `seconds`: they may read but not post (403 `muted` on every door) until then.',
    description: `${WHO} A running mute is replaced. Refusals: \`invalid-user\`, \`invalid-seconds\` (1 to 2592000), \`bad-json\` (400).`,
  })
  @ApiBody({ schema: schemaRef('MuteCreate') })
  @ApiCreatedResponse({ description: 'The mute.', schema: schemaRef('Mute') })
  @ApiErrors(400, 401, 404, 413, 415, 429)
  async mute(@Param('room') room: string, @Body() body: unknown, @RequestPrincipal() principal: Principal | undefined) {
    return renderMute(await this.moderation.mute(room, body, principal));
  }

  @Delete('rooms/:room/mutes/:user')
  @UseGuards(ChatRateLimitGuard)
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift a mute.', description: WHO })
  @ApiNoContentResponse({ description: 'Not muted (any more).' })
  @ApiErrors(400, 401, 404, 429)
  async unmute(@Param('room') room: string, @Param('user') user: string, @RequestPrincipal() principal: Principal | undefined): Promise<void> {
    await this.moderation.unmute(room, user, principal);
  }

  @Post('rooms/:room/bans')
  @UseGuards(ChatRateLimitGuard)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Ban a user from the room: removed from its members, their live subscriptions ended on every node, and refused (403 `banned`) until lifted.',
    description: `${WHO} Works on public rooms too: a banned user can neither read nor post there. Refusals: \`invalid-user\`, \`invalid-reason\`, \`bad-json\` (400).`,
  })
  @ApiBody({ schema: schemaRef('BanCreate') })
  @ApiCreatedResponse({ description: 'The ban.', schema: schemaRef('Ban') })
  @ApiErrors(400, 401, 404, 413, 415, 429)
  async ban(@Param('room') room: string, @Body() body: unknown, @RequestPrincipal() principal: Principal | undefined) {
    return renderBan(await this.moderation.ban(room, body, principal));
  }

  @Delete('rooms/:room/bans/:user')
  @UseGuards(ChatRateLimitGuard)
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift a ban (the user may join again; they are not made a member).', description: WHO })
  @ApiNoContentResponse({ description: 'Not banned (any more).' })
  @ApiErrors(400, 401, 404, 429)
  async unban(@Param('room') room: string, @Param('user') user: string, @RequestPrincipal() principal: Principal | undefined): Promise<void> {
    await this.moderation.unban(room, user, principal);
  }

  @Get('audit')
  @ApiOperation({
    summary: 'Admin only: the moderation actions, newest first.',
    description: 'Deletions of someone else\'s message, mutes and their lifting, bans and their lifting, members removed by someone else, disconnects. 403 `forbidden` without the `admin` role.',
  })
  @ApiQuery({ name: 'room', required: false, description: 'Only this room\'s actions.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_AUDIT_LIMIT, default: 50 } })
  @ApiOkResponse({ schema: arrayOf('AuditEntry') })
  @ApiErrors(400, 401)
  async list(@Query('room') room: unknown, @Query('limit') limit: unknown, @RequestPrincipal() principal: Principal | undefined) {
    const entries = await this.audit.list({ room, limit }, principal);
    return entries.map(renderAuditEntry);
  }
}
