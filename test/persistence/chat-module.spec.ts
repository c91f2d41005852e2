import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CHAT_API, CHAT_REPOSITORY, ChatModule, type ChatApi, type ChatRepository } from '@app/chat';
import { MessagingModule } from '@app/messaging';
import { PersistenceModule } from '@app/persistence';
import { tempDir } from './persistence-test.helpers';

const dir = tempDir('chat-module-');
after(() => dir.remove());

describe('ChatModule with PersistenceModule', () => {
  it('wires CHAT_API over CHAT_REPOSITORY, stores, and drains then closes the database on shutdown', async () => {
    const url = `sqlite:${join(dir.path, 'data', 'chat.sqlite')}`;
    @Module({ imports: [PersistenceModule.forRoot(url), MessagingModule.forRoot(), ChatModule] })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();
    const chat = app.get<ChatApi>(CHAT_API);
    const pending = Array.from({ length: 30 }, (_, i) => chat.post({ room: 'wired', from: 'a', text: `t${i}` }));
    await app.close();
    assert.equal((await Promise.all(pending)).length, 30, 'queued posts were committed before the database closed');

    const again = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      const repository = again.get<ChatRepository>(CHAT_REPOSITORY);
      assert.equal((await repository.latest('wired', 100)).length, 30);
    } finally {
      await again.close();
    }
  });
});
