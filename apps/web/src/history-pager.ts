import { ChatClientError } from '../../../libs/chat-client/src';
import type { ChatController, RoomFeature, RoomSession } from './chat-controller';

/** Messages per page of older history. */
export const PAGE_SIZE = 50;
/** Scrolling this close to the top loads the next older page. */
const NEAR_TOP_PX = 60;

export interface PagerElements {
  scroller: HTMLElement;
  button: HTMLButtonElement;
  /** Says where the room's history begins, or why older messages could not be loaded. */
  note: HTMLElement;
}

/**
 * Older messages, by REST paging (`before` = the oldest id shown), whichever transport carries the feed:
 * when the reader scrolls to the top, or asks with the button. What is read stays where it was on the
 * screen while a page is added above it.
 */
export class HistoryPager implements RoomFeature {
  private session: RoomSession | undefined;
  private loading = false;
  private exhausted = false;
  /** The room's first connection has delivered its history. */
  private started = false;
  private generation = 0;

  constructor(
    private readonly controller: ChatController,
    private readonly ui: PagerElements,
  ) {
    ui.button.addEventListener('click', () => void this.loadOlder());
    ui.scroller.addEventListener('scroll', () => {
      const { scroller } = this.ui;
      if (scroller.scrollTop < NEAR_TOP_PX && scroller.scrollHeight > scroller.clientHeight) void this.loadOlder();
    }, { passive: true });
  }

  roomChanged(session: RoomSession): void {
    this.session = session;
    this.generation++;
    this.loading = false;
    this.exhausted = false;
    this.started = false;
    this.render();
  }

  /**
   * Every door starts a room with its latest PAGE_SIZE messages, before it says it is open: fewer than
   * that is the whole room, and there is nothing older to offer.
   */
  opened(): void {
    if (!this.started && this.controller.shownCount < PAGE_SIZE) this.exhausted = true;
    this.started = true;
    this.render();
  }

  shown(): void {
    this.render();
  }

  async loadOlder(): Promise<void> {
    const session = this.session;
    const before = this.controller.oldestId;
    if (!session || before === undefined || this.loading || this.exhausted) return;
    const generation = this.generation;
    this.loading = true;
    this.render();
    try {
      const older = await this.controller.olderThan(before, PAGE_SIZE);
      if (generation !== this.generation) return;
      this.exhausted = older.length < PAGE_SIZE;
      this.keepPlace(() => this.controller.showOlder(older));
      this.ui.note.textContent = this.exhausted ? 'This is the start of the conversation.' : '';
    } catch (error) {
      if (generation === this.generation) this.ui.note.textContent = error instanceof ChatClientError ? error.message : 'Could not load older messages.';
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.render();
      }
    }
  }

  /** Adds content above what is on screen without moving it: the distance to the bottom is kept. */
  private keepPlace(change: () => void): void {
    const { scroller } = this.ui;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    change();
    scroller.scrollTop = scroller.scrollHeight - fromBottom;
  }

  private render(): void {
    const { button, note } = this.ui;
    const hasMessages = this.controller.oldestId !== undefined;
    const hide = !this.started || !hasMessages || this.exhausted;
    // A keyboard user who pressed it last keeps their place: focus goes to the conversation, not the page.
    if (hide && document.activeElement === button) this.ui.scroller.focus();
    button.hidden = hide;
    button.disabled = this.loading;
    button.textContent = this.loading ? 'Loading older messages…' : 'Load older messages';
    if (!hasMessages) note.textContent = '';
  }
}
