/**
 * Child process for crash.spec: posts forever through ChatService on a SQLite file and prints each
 * acknowledged id on its own line, until the parent kills it with SIGKILL.
 * Usage: node crash-writer.fixture.js <sqlite-url> <NORMAL|FULL>
 */
import { ChatService } from '@app/chat';
import { SimpleBroker } from '@app/messaging';
import { openDataSource, TypeOrmChatRepository } from '@app/persistence';

async function main(): Promise<void> {
  const [url, synchronous] = process.argv.slice(2);
  const dataSource = await openDataSource(url, { sqliteSynchronous: synchronous === 'NORMAL' ? 'NORMAL' : 'FULL' });
  const chat = new ChatService(new TypeOrmChatRepository(dataSource), new SimpleBroker());
  process.stdout.write('ready\n');
  let n = 0;
  const poster = async (): Promise<never> => {
    for (;;) {
      const stored = await chat.post({ room: 'crash', from: 'writer', text: `message ${n++}` });
      // On Linux a write to a pipe is synchronous: once this returns the parent can read the line.
      process.stdout.write(`${stored.id}\n`);
    }
  };
  await Promise.all(Array.from({ length: 40 }, poster));
}

main().catch((error: unknown) => {
  process.stderr.write(`crash writer failed: ${String(error)}\n`);
  process.exit(1);
});
