import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ClusterUserRegistry, UserEvents, type PresenceChangeEvent } from '@app/messaging';
import { StompEvents, type SessionDisconnectedEvent, type SessionSubscriptionEvent } from '@app/stomp-session';
import { RoomEvents } from '../events/room-events';
import { presenceKey, roomOfPresenceKey } from './room-events';

export interface PresenceSnapshot {
  type: 'presence';
  room: string;
  users: { user: string; since: string }[];
}

/** A STOMP subscription to a room's messages: `/topic/rooms/{room}`, nothing deeper. */
const ROOM_TOPIC = /^\/topic\/rooms\/([A-Za-z0-9_-]{1,64})$/;

/**
 * Who is in a room now: users (not sessions), on every node and door, from the cluster user registry.
 * A user is in a room while any of their connections follows it: a STOMP subscription to the room's
 * topic, an SSE stream, a plain WebSocket. Joins and leaves become room events, announced by one node.
 */
@Injectable()
export class RoomPresence {
  /** sessionId → subscriptionId → leave. */
  private readonly stompLeaves = new Map<string, Map<string, () => void>>();

  constructor(
    private readonly registry: ClusterUserRegistry,
    private readonly events: RoomEvents,
  ) {}

  /** One connection of `user` follows `room`; returns how it leaves. */
  enter(room: string, user: string): () => void {
    return this.registry.enter(presenceKey(room), user);
  }

  snapshot(room: string): PresenceSnapshot {
    const users = this.registry.present(presenceKey(room)).map((p) => ({ user: p.user, since: new Date(p.since).toISOString() }));
    return { type: 'presence', room, users };
  }

  @OnEvent(UserEvents.Joined)
  joined(event: PresenceChangeEvent): void {
    this.announce('join', event);
  }

  @OnEvent(UserEvents.Left)
  left(event: PresenceChangeEvent): void {
    this.announce('leave', event);
  }

  @OnEvent(StompEvents.Subscribed)
  subscribed(event: SessionSubscriptionEvent): void {
    const room = ROOM_TOPIC.exec(event.destination)?.[1];
    if (room === undefined || event.user === undefined) return;
    let leaves = this.stompLeaves.get(event.sessionId);
    if (!leaves) {
      leaves = new Map();
      this.stompLeaves.set(event.sessionId, leaves);
    }
    leaves.get(event.subscriptionId)?.();
    leaves.set(event.subscriptionId, this.enter(room, event.user));
  }

  @OnEvent(StompEvents.Unsubscribed)
  unsubscribed(event: SessionSubscriptionEvent): void {
    const leaves = this.stompLeaves.get(event.sessionId);
    leaves?.get(event.subscriptionId)?.();
    leaves?.delete(event.subscriptionId);
  }

  @OnEvent(StompEvents.Disconnected)
  disconnected(event: SessionDisconnectedEvent): void {
    const leaves = this.stompLeaves.get(event.sessionId);
    if (!leaves) return;
    this.stompLeaves.delete(event.sessionId);
    for (const leave of leaves.values()) leave();
  }

  private announce(type: 'join' | 'leave', event: PresenceChangeEvent): void {
    const room = roomOfPresenceKey(event.key);
    if (room === undefined || !event.announce) return;
    this.events.publish(room, { type, room, user: event.user, at: new Date(event.at).toISOString() });
  }
}

