/**
 * An immutable FIFO queue with O(1) amortised push, unshift and shift (a front list and a reversed
 * back list). Old versions stay valid after an operation, which keeps the fold pure without copying
 * the whole outbox on every event.
 *
 * @module
 */

interface Cons<T> {
  readonly head: T;
  readonly tail: Cons<T> | undefined;
  readonly size: number;
}

function cons<T>(head: T, tail: Cons<T> | undefined): Cons<T> {
  return { head, tail, size: (tail?.size ?? 0) + 1 };
}

function reverse<T>(list: Cons<T> | undefined): Cons<T> | undefined {
  let out: Cons<T> | undefined;
  for (let l = list; l !== undefined; l = l.tail) out = cons(l.head, out);
  return out;
}

/**
 * An immutable queue.
 *
 * @example
 * ```ts
 * import { Queue } from "./persistent_queue.ts";
 * const q = Queue.empty<number>().push(1).push(2);
 * console.log(q.peek(), q.shift().peek(), q.size); // 1 2 2
 * ```
 */
export class Queue<T> {
  readonly #front: Cons<T> | undefined;
  readonly #back: Cons<T> | undefined;

  private constructor(front: Cons<T> | undefined, back: Cons<T> | undefined) {
    // Keep the invariant: the front is empty only when the queue is empty.
    if (front === undefined && back !== undefined) {
      this.#front = reverse(back);
      this.#back = undefined;
    } else {
      this.#front = front;
      this.#back = back;
    }
  }

  /** The empty queue. */
  static empty<T>(): Queue<T> {
    return new Queue<T>(undefined, undefined);
  }

  /** A queue holding `items` in order. */
  static of<T>(items: Iterable<T>): Queue<T> {
    let q = Queue.empty<T>();
    for (const item of items) q = q.push(item);
    return q;
  }

  /** Number of items. */
  get size(): number {
    return (this.#front?.size ?? 0) + (this.#back?.size ?? 0);
  }

  /** The first item, or undefined when empty. */
  peek(): T | undefined {
    return this.#front?.head;
  }

  /** A queue with `item` added at the end. */
  push(item: T): Queue<T> {
    return new Queue(this.#front, cons(item, this.#back));
  }

  /** A queue with `item` added at the front. */
  unshift(item: T): Queue<T> {
    return new Queue(cons(item, this.#front), this.#back);
  }

  /** A queue without its first item (the same queue when empty). */
  shift(): Queue<T> {
    if (this.#front === undefined) return this;
    return new Queue(this.#front.tail, this.#back);
  }

  /** The items in order. O(n). */
  *[Symbol.iterator](): Iterator<T> {
    for (let l = this.#front; l !== undefined; l = l.tail) yield l.head;
    const back: T[] = [];
    for (let l = this.#back; l !== undefined; l = l.tail) back.push(l.head);
    for (let i = back.length - 1; i >= 0; i--) yield back[i] as T;
  }

  /** A queue without the items for which `drop` is true. O(n). */
  filter(keep: (item: T) => boolean): Queue<T> {
    return Queue.of([...this].filter(keep));
  }
}
