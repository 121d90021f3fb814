/**
 * A queue that tests await with a deadline: items arrive from a read loop, a test takes them
 * one at a time and fails, instead of hanging, when nothing comes in time.
 * @module
 */

/** Received items waiting for a test. */
export class Inbox<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | null = null;
  private ended = false;

  /** Number of items waiting. */
  get size(): number {
    return this.items.length;
  }

  /** Adds an item and wakes a waiting {@link take}. */
  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }

  /** No more items will come: a waiting or later {@link take} on an empty inbox fails at once. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /**
   * The next item; rejects after `timeoutMs` or once ended and empty.
   * @param what names the item in the error message
   */
  async take(timeoutMs: number, what: string): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.items.length > 0) return this.items.shift()!;
      if (this.ended) throw new Error(`closed before a ${what} arrived`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.wake = null;
    }
  }
}
