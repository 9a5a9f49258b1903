// The text of every file read, kept whole: lines are cut out only when a finding is shown or a
// suppression comment is looked for, so a 150,000-line file costs one string, not 150,000.

export class SourceFiles {
  private readonly texts = new Map<string, string>();
  private readonly lineStarts = new Map<string, number[]>();

  set(file: string, text: string): void {
    this.texts.set(file, text);
    this.lineStarts.delete(file);
  }

  files(): string[] {
    return [...this.texts.keys()];
  }

  text(file: string): string | undefined {
    return this.texts.get(file);
  }

  /** Physical line `line` (1-based) without its line break, or undefined. */
  line(file: string, line: number): string | undefined {
    const text = this.texts.get(file);
    if (text === undefined) return undefined;
    let starts = this.lineStarts.get(file);
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts.set(file, starts);
    }
    const start = starts[line - 1];
    if (start === undefined || start >= text.length) return undefined;
    const next = starts[line];
    let end = next === undefined ? text.length : next - 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end -= 1;
    return text.slice(start, end);
  }

  /** 1-based line numbers whose text contains `needle`, with the line's text. */
  linesContaining(file: string, needle: string): { line: number; text: string }[] {
    const text = this.texts.get(file);
    const found: { line: number; text: string }[] = [];
    if (text === undefined) return found;
    let lineNumber = 1;
    let counted = 0;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
      for (let i = text.indexOf('\n', counted); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
        lineNumber += 1;
        counted = i + 1;
      }
      const content = this.line(file, lineNumber);
      if (content !== undefined && (found.length === 0 || found[found.length - 1]?.line !== lineNumber)) found.push({ line: lineNumber, text: content });
    }
    return found;
  }

  /** Adds every file of another set (for output covering several runs). */
  merge(other: SourceFiles): void {
    for (const file of other.files()) this.set(file, other.text(file) ?? '');
  }
}
