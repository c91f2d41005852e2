const KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End']);

/**
 * One Tab stop for a whole group of buttons (every room in the list, every message's Edit and Delete),
 * with the arrow keys, Home and End moving among them: WAI-ARIA's "roving tabindex". Without it a keyboard
 * user would tab through every room and every message of theirs to reach the composer.
 * The stop stays on the button last used; when that one goes, `preferred` picks the next.
 */
export function rovingFocus(container: HTMLElement, selector: string, preferred: (buttons: HTMLElement[]) => HTMLElement | undefined): void {
  let current: HTMLElement | undefined;
  const buttons = (): HTMLElement[] => Array.from(container.querySelectorAll<HTMLElement>(selector));

  const settle = (): void => {
    const all = buttons();
    if (!current || !all.includes(current)) current = preferred(all) ?? all[0];
    for (const button of all) button.tabIndex = button === current ? 0 : -1;
  };

  container.addEventListener('focusin', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>(selector);
    if (!target || target === current) return;
    current = target;
    settle();
  });
  container.addEventListener('keydown', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>(selector);
    if (!target || !KEYS.has(event.key)) return;
    const all = buttons();
    const at = all.indexOf(target);
    const back = event.key === 'ArrowUp' || event.key === 'ArrowLeft';
    const next = event.key === 'Home' ? 0 : event.key === 'End' ? all.length - 1 : Math.min(all.length - 1, Math.max(0, at + (back ? -1 : 1)));
    event.preventDefault();
    all[next]?.focus();
  });
  // Rooms come and go, messages arrive, a message's buttons change with its state.
  new MutationObserver(settle).observe(container, { childList: true, subtree: true });
  settle();
}
