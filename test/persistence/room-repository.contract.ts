import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { TypeOrmChatRepository, TypeOrmMessageRevisionRepository, TypeOrmRoomRepository } from '@app/persistence';
import { uniqueRoom } from './persistence-test.helpers';

export interface RoomContractTarget {
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * #13: what the rooms' repositories must do on every database (SQLite and PostgreSQL): rooms, members,
 * read markers that only move forward (even when two writes race), edits and tombstones. Each test uses
 * its own room names, so one database serves the whole suite.
 */
export function roomRepositoryContract(name: string, open: () => Promise<RoomContractTarget>): void {
  describe(`#13 RoomRepository and MessageRevisionRepository contract: ${name}`, () => {
    let target: RoomContractTarget;
    let rooms: TypeOrmRoomRepository;
    let revisions: TypeOrmMessageRevisionRepository;
    let messages: TypeOrmChatRepository;
    before(async () => {
      target = await open();
      rooms = new TypeOrmRoomRepository(target.dataSource);
      revisions = new TypeOrmMessageRevisionRepository(target.dataSource);
      messages = new TypeOrmChatRepository(target.dataSource);
    });
    after(async () => target?.close());

    const post = async (room: string, from: string, text: string) =>
      (await messages.append([{ room, from, text, sentAt: new Date() }]))[0].message;

    it('creates a room once, with its owner; a room that exists by its messages cannot be created', async () => {
      const room = uniqueRoom('cr');
      const createdAt = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
      assert.equal(await rooms.create({ room, title: 'Tïtle 🙂', visibility: 'private', createdBy: 'ann', createdAt }), true);
      assert.equal(await rooms.create({ room, title: 'again', visibility: 'public', createdBy: 'bob', createdAt }), false);
      assert.deepEqual(await rooms.find(room), { room, title: 'Tïtle 🙂', visibility: 'private', createdBy: 'ann', createdAt });
      assert.deepEqual(await rooms.members(room), [{ user: 'ann', role: 'owner', since: createdAt }]);
      const used = uniqueRoom('used');
      const first = await post(used, 'cat', 'first');
      assert.equal(await rooms.create({ room: used, title: used, visibility: 'private', createdBy: 'dan', createdAt }), false);
      assert.deepEqual(await rooms.members(used), [], 'nothing written');
      assert.deepEqual(await rooms.find(used), { room: used, title: used, visibility: 'public', createdBy: 'cat', createdAt: first.sentAt });
      assert.equal(await rooms.find(uniqueRoom('none')), undefined);
    });

    it('lists public rooms and the viewer\'s private ones, with counts and unread', async () => {
      const open = uniqueRoom('lo');
      const closed = uniqueRoom('lc');
      const implicit = uniqueRoom('li');
      const now = new Date();
      await rooms.create({ room: open, title: 'Open', visibility: 'public', createdBy: 'ann', createdAt: now });
      await rooms.create({ room: closed, title: 'Closed', visibility: 'private', createdBy: 'ann', createdAt: now });
      const m1 = await post(open, 'ann', 'a');
      await post(open, 'bob', 'b');
      await post(closed, 'ann', 'c');
      await post(implicit, 'eve', 'd');
      await rooms.advanceReadMarker(open, 'bob', m1.id, now);
      const mine = <T extends { room: string }>(list: T[]) => list.filter((r) => [open, closed, implicit].includes(r.room));
      const forBob = mine(await rooms.list('bob'));
      assert.deepEqual(forBob.map((r) => r.room).sort(), [implicit, open].sort());
      assert.equal(forBob.find((r) => r.room === open)!.unread, 0, 'after the marker only bob\'s own message');
      assert.equal(forBob.find((r) => r.room === implicit)!.unread, 1);
      const forAnn = mine(await rooms.list('ann'));
      assert.deepEqual(forAnn.map((r) => [r.room, r.messages, r.unread]).sort(), [[closed, 1, 0], [implicit, 1, 1], [open, 2, 1]].sort());
      const anonymous = mine(await rooms.list(undefined));
      assert.equal(anonymous.some((r) => r.room === closed), false);
      assert.equal(anonymous.every((r) => r.unread === undefined), true);
      const implicitRow = anonymous.find((r) => r.room === implicit)!;
      assert.deepEqual([implicitRow.title, implicitRow.visibility, implicitRow.createdBy], [implicit, 'public', 'eve']);
    });

    it('adds and removes members once; private rooms and their members are what a node loads', async () => {
      const room = uniqueRoom('mb');
      const at = new Date();
      await rooms.create({ room, title: room, visibility: 'private', createdBy: 'ann', createdAt: at });
      assert.equal(await rooms.addMember(room, 'bob', 'member', at), true);
      assert.equal(await rooms.addMember(room, 'bob', 'member', at), false);
      assert.equal(await rooms.addMember(room, '__proto__', 'member', at), true);
      const policy = await rooms.privateRoom(room);
      assert.deepEqual([...policy!.members].sort(), [['__proto__', 'member'], ['ann', 'owner'], ['bob', 'member']]);
      assert.ok((await rooms.privateRooms()).some((p) => p.room === room && p.members.get('bob') === 'member'));
      assert.equal(await rooms.removeMember(room, 'bob'), true);
      assert.equal(await rooms.removeMember(room, 'bob'), false);
      assert.deepEqual((await rooms.members(room)).map((m) => m.user).sort(), ['__proto__', 'ann']);
      const open = uniqueRoom('mo');
      await rooms.create({ room: open, title: open, visibility: 'public', createdBy: 'ann', createdAt: at });
      assert.equal(await rooms.privateRoom(open), undefined);
    });

    it('a read marker only moves forward, also when writes race', async () => {
      const room = uniqueRoom('rm');
      const ids = [];
      for (let i = 0; i < 20; i++) ids.push((await post(room, 'ann', `m${i}`)).id);
      const t0 = new Date(Date.now() - 1000);
      assert.deepEqual(await rooms.advanceReadMarker(room, 'bob', ids[5], t0), { marker: { user: 'bob', lastReadId: ids[5], at: t0 }, moved: true });
      const back = await rooms.advanceReadMarker(room, 'bob', ids[2], new Date());
      assert.deepEqual(back, { marker: { user: 'bob', lastReadId: ids[5], at: t0 }, moved: false });
      // Twenty markers at once, in shuffled order: the highest wins whatever order they commit in.
      const shuffled = [...ids].sort(() => Math.random() - 0.5);
      await Promise.all(shuffled.map((id) => rooms.advanceReadMarker(room, 'bob', id, new Date())));
      assert.deepEqual((await rooms.readMarkers(room)).map((m) => [m.user, m.lastReadId]), [['bob', ids[19]]]);
    });

    it('edits keep the id and set editedAt; a deletion erases the text and leaves a tombstone that cannot be edited', async () => {
      const room = uniqueRoom('ed');
      const original = await post(room, 'ann', 'first draft');
      assert.equal(await revisions.find(uniqueRoom('other'), original.id), undefined);
      const editedAt = new Date();
      const edited = await revisions.edit(room, original.id, 'final', editedAt);
      assert.deepEqual(edited, { ...original, text: 'final', editedAt });
      const deletedAt = new Date();
      assert.deepEqual(await revisions.delete(room, original.id, 'mod', deletedAt), {
        message: { ...original, text: '', editedAt, deletedAt, deletedBy: 'mod' },
        changed: true,
      });
      assert.equal((await revisions.delete(room, original.id, 'ann', new Date()))!.changed, false);
      assert.equal((await revisions.edit(room, original.id, 'revived', new Date()))!.text, '');
      const [row] = await messages.latest(room, 1);
      assert.deepEqual([row.text, row.deletedBy, row.deletedAt], ['', 'mod', deletedAt]);
      assert.equal(await revisions.delete(room, 999_999_999, 'ann', new Date()), undefined);
    });
  });
}
