/** What an edit changed: a count per kind of field, for each OLD=NEW argument. */

export class Tally {
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(labels: readonly string[]) {
    for (const label of labels) this.counts.set(label, new Map());
  }

  add(label: string, kind: string): void {
    const kinds = this.counts.get(label) ?? new Map<string, number>();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    this.counts.set(label, kinds);
  }

  /** The arguments that changed nothing. */
  unmatched(): string[] {
    return [...this.counts].filter(([, kinds]) => kinds.size === 0).map(([label]) => label);
  }

  total(): number {
    return [...this.counts.values()].reduce((sum, kinds) => sum + [...kinds.values()].reduce((a, b) => a + b, 0), 0);
  }

  /** One line per argument: `--path /a=/b: 3 regular file paths, 1 mount point`. */
  lines(): string[] {
    return [...this.counts].map(([label, kinds]) => {
      const parts = [...kinds].map(([kind, count]) => `${count} ${count === 1 ? kind : plural(kind)}`);
      return `${label}: ${parts.length === 0 ? 'nothing' : parts.join(', ')}`;
    });
  }
}

function plural(noun: string): string {
  if (noun.endsWith('s')) return `${noun}es`;
  if (noun.endsWith('y')) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}
