import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's chromium, launched the way CI runs it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'];

export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', '..', '..', 'test-output', 'browser');

export const DESKTOP = { width: 1200, height: 800 };
export const PHONE = { width: 390, height: 844 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface ChatPageOptions {
  name: string;
  room: string;
  transport: string;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** For a self-signed certificate (the deployment topology's proxy). */
  ignoreHTTPSErrors?: boolean;
  /** A JWT for servers with an identity provider: pasted into the Token field; the name is then its `sub`. */
  token?: string;
}

/**
 * Drives the chat page the way a person does, through accessible names only (the names the issue
 * fixes: Name, Room, Transport, Connect, Message, Send, the status and the Messages list), so the
 * tests break when the page stops being usable by them.
 */
export class ChatPage {
  /**
   * Uncaught exceptions in the page (or its SockJS iframes), and anything its Content-Security-Policy
   * blocked: a page that throws, or that needs what its own policy forbids, is broken.
   */
  readonly errors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) this.errors.push(message.text());
    });
  }

  /** A fresh browser profile (own storage, own connections), so two pages are two users. */
  static async open(browser: Browser, url: string, opts: ChatPageOptions): Promise<ChatPage> {
    const context = await browser.newContext({
      viewport: opts.viewport ?? DESKTOP,
      colorScheme: opts.colorScheme ?? 'light',
      ignoreHTTPSErrors: opts.ignoreHTTPSErrors ?? false,
    });
    context.setDefaultTimeout(15_000);
    const chat = new ChatPage(context, await context.newPage());
    await chat.page.goto(url);
    await chat.join(opts);
    return chat;
  }

  async join(opts: Omit<ChatPageOptions, 'viewport' | 'colorScheme' | 'ignoreHTTPSErrors'>): Promise<void> {
    // A token names the user itself (the Name field follows it and is read-only); without one, the name does.
    await this.page.getByLabel('Token', { exact: true }).fill(opts.token ?? '');
    if (!opts.token) await this.field('Name').fill(opts.name);
    await this.field('Room').fill(opts.room);
    // By its label, exactly (#10): the label must name the select alone, not every option with it.
    await this.page.getByLabel('Transport', { exact: true }).selectOption(opts.transport);
    await this.page.getByRole('button', { name: 'Connect', exact: true }).click();
    await this.waitConnected();
  }

  field(name: 'Name' | 'Room' | 'Message'): Locator {
    return this.page.getByRole('textbox', { name, exact: true });
  }

  get status(): Locator {
    return this.page.getByRole('status');
  }

  get sendButton(): Locator {
    return this.page.getByRole('button', { name: 'Send', exact: true });
  }

  get items(): Locator {
    return this.page.getByRole('list', { name: 'Messages', exact: true }).getByRole('listitem');
  }

  async waitConnected(timeout = 20_000): Promise<void> {
    await this.status.filter({ hasText: 'Connected' }).waitFor({ timeout });
  }

  async waitStatus(text: string, timeout = 10_000): Promise<void> {
    await this.status.filter({ hasText: text }).waitFor({ timeout });
  }

  /** Types and sends; resolves when the composer has cleared, i.e. the server confirmed it. */
  async send(text: string): Promise<void> {
    await this.field('Message').fill(text);
    await this.sendButton.click();
    await this.page.waitForFunction(
      (sent) => (document.getElementById('message') as HTMLInputElement).value !== sent,
      text,
      { timeout: 15_000 },
    );
  }

  /** The one item showing this text (fails if the text never shows). */
  async waitForMessage(text: string, timeout = 15_000): Promise<Locator> {
    const item = this.items.filter({ hasText: text });
    await item.first().waitFor({ timeout });
    return item;
  }

  /** The "Rooms" navigation: one button per room the user may see. */
  get rooms(): Locator {
    return this.page.getByRole('navigation', { name: 'Rooms', exact: true });
  }

  /** A room's button in the list; its accessible name starts with `#room` (then "private", then "N unread"). */
  roomButton(room: string): Locator {
    return this.rooms.getByRole('button', { name: new RegExp(`^#${room}( |$)`) });
  }

  /** The "People" list: the room's members and who is here now. */
  get people(): Locator {
    return this.page.getByRole('list', { name: 'People', exact: true }).getByRole('listitem');
  }

  person(user: string): Locator {
    return this.people.filter({ hasText: new RegExp(`^${user}( |$)`) });
  }

  /** The line that says who else is typing. */
  get typingLine(): Locator {
    return this.page.getByText(/ (is|are) typing…$/);
  }

  /** Every item's visible text, in list order. */
  texts(): Promise<string[]> {
    return this.items.allInnerTexts();
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

/** Counts how many list items contain `text`: the page must show every message exactly once. */
export async function countOf(chat: ChatPage, text: string): Promise<number> {
  return chat.items.filter({ hasText: text }).count();
}
