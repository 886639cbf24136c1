/** Bounds the number of requests in flight to one service; a freed slot goes to the highest priority. */
export class Semaphore {
  private active = 0;
  /** Waiters, highest priority first; equal priorities keep their arrival order. */
  private readonly queue: { priority: number; resolve: () => void }[] = [];

  constructor(readonly limit: number) {
    if (limit < 1) throw new RangeError('a semaphore needs a limit of at least 1');
  }

  async run<T>(task: () => Promise<T>, priority = 0): Promise<T> {
    await this.acquire(priority);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(priority: number): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // after every waiter of the same or higher priority: FIFO within a priority
      let i = this.queue.length;
      while (i > 0 && (this.queue[i - 1] as { priority: number }).priority < priority) i--;
      this.queue.splice(i, 0, { priority, resolve });
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next)
      next.resolve(); // the slot passes straight to the next waiter
    else this.active--;
  }
}
