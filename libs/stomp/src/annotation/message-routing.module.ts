import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MessageRouter } from './message-router';

/** Discovers @MessageMapping handlers across the app; needs MessagingModule (global) for replies. */
@Module({
  imports: [DiscoveryModule],
  providers: [MessageRouter],
  exports: [MessageRouter],
})
export class MessageRoutingModule {}
