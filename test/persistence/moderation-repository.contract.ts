import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import type { NewAuditEntry } from '@app/chat';
import { TypeOrmModerationRepository, TypeOrmRoomRepository } from '@app/persistence';
import { uniqueRoom } from './persistence-test.helpers';

export interface ModerationContractTarget {
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * #13 item 6: what the moderation repository must do on every database (SQLite and PostgreSQL): bans that
 * take the user out of the members, mutes that only count while running, and an audit trail newest first.
 * Each test uses its own room names, so one database serves the whole suite.
 */
export function moderationRepositoryContract(name: string, open: () => Promise<ModerationContractTarget>): void {
  describe(`#13 ModerationRepository contract: ${name}`, () => {
    let target: ModerationContractTarget;
    let moderation: TypeOrmModerationRepository;
    let rooms: TypeOrmRoomRepository;
    before(async () => {
      target = await open();
      moderation = new TypeOrmModerationRepository(target.dataSource);
      rooms = new TypeOrmRoomRepository(target.dataSource);
    });
    after(async () => target?.close());

    const at = new Date(Date.UTC(2026, 4, 6, 7, 8, 9, 123));
    const later = (ms: number) => new Date(at.getTime() + ms);
    const entry = (room: string | null, action: NewAuditEntry['action'], user: string | null, extra: Partial<NewAuditEntry> = {}): NewAuditEntry =>
      ({ at, actor: 'mod', action, room, user, ...extra });

    it('bans (again: replaced), takes the user out of the members, lifts once', async () => {
      const room = uniqueRoom('ban');
      await rooms.create({ room, title: room, visibility: 'private', createdBy: 'own', createdAt: at });
      await rooms.addMember(room, 'bob', 'member', at);
      await moderation.ban({ room, user: 'bob', by: 'mod', reason: 'spam', at }, entry(room, 'ban', 'bob', { detail: 'spam' }));
      await moderation.ban({ room, user: 'bob', by: 'boss', reason: null, at: later(1) }, entry(room, 'ban', 'bob'));
      assert.deepEqual((await rooms.members(room)).map((m) => m.user), ['own']);
      assert.deepEqual((await moderation.restrictions(at, room)).bans, [{ room, user: 'bob', by: 'boss', reason: null, at: later(1) }]);
      assert.equal(await moderation.unban(room, 'bob', entry(room, 'unban', 'bob')), true);
      assert.equal(await moderation.unban(room, 'bob', entry(room, 'unban', 'bob')), false);
      assert.deepEqual(await moderation.restrictions(at, room), { bans: [], mutes: [] });
      assert.deepEqual((await moderation.audit({ room, limit: 10 })).map((e) => e.action), ['unban', 'ban', 'ban']);
    });

    it('mutes count while they run; a lifting lifts only a running one', async () => {
      const room = uniqueRoom('mute');
      await moderation.mute({ room, user: 'bob', by: 'mod', until: later(60_000), at }, entry(room, 'mute', 'bob'));
      await moderation.mute({ room, user: 'eve', by: 'mod', until: later(1_000), at }, entry(room, 'mute', 'eve'));
      assert.deepEqual((await moderation.restrictions(later(500), room)).mutes.map((m) => m.user).sort(), ['bob', 'eve']);
      assert.deepEqual(await moderation.restrictions(later(2_000), room), {
        bans: [], mutes: [{ room, user: 'bob', by: 'mod', until: later(60_000), at }],
      });
      assert.ok((await moderation.restrictions(later(2_000))).mutes.some((m) => m.room === room && m.user === 'bob'), 'all rooms');
      assert.equal(await moderation.unmute(room, 'eve', { ...entry(room, 'unmute', 'eve'), at: later(2_000) }), false, 'ran out already');
      assert.equal(await moderation.unmute(room, 'bob', { ...entry(room, 'unmute', 'bob'), at: later(2_000) }), true);
      assert.deepEqual((await moderation.restrictions(at, room)).mutes, []);
      assert.deepEqual((await moderation.audit({ room, limit: 10 })).map((e) => [e.action, e.user]), [['unmute', 'bob'], ['mute', 'eve'], ['mute', 'bob']]);
    });

    it('keeps the audit trail newest first, with its optional fields, by room and limit', async () => {
      const room = uniqueRoom('audit');
      await moderation.record(entry(room, 'delete', 'bob', { messageId: 42 }));
      await moderation.record(entry(null, 'disconnect', 'bob'));
      await moderation.record(entry(room, 'remove-member', 'eve', { detail: 'r'.repeat(500) }));
      const mine = await moderation.audit({ room, limit: 10 });
      assert.deepEqual(mine.map(({ id: _id, ...rest }) => rest), [
        { at, actor: 'mod', action: 'remove-member', room, user: 'eve', detail: 'r'.repeat(500) },
        { at, actor: 'mod', action: 'delete', room, user: 'bob', messageId: 42 },
      ]);
      assert.ok(mine[0].id > mine[1].id);
      const [newest, second] = await moderation.audit({ limit: 2 });
      assert.deepEqual([newest.action, second.action, second.room], ['remove-member', 'disconnect', null]);
    });
  });
}
