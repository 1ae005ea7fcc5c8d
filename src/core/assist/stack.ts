/** A growable stack (and queue, read with `at`) of voxel indices on an Int32Array: no per-item allocation. */
export class Stack {
  private items = new Int32Array(1024);
  size = 0;

  push(i: number): void {
    if (this.size === this.items.length) {
      const bigger = new Int32Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    this.items[this.size++] = i;
  }

  pop(): number {
    return this.items[--this.size]!;
  }

  at(index: number): number {
    return this.items[index]!;
  }

  clear(): void {
    this.size = 0;
  }
}
