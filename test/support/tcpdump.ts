// tcpdump's text for host tests: with -v, a packet's details continue on indented lines;
// joined, each packet is one line that a test's regular expression can read whole.

/** The packets of tcpdump -v output, one line each (indented continuation lines appended). */
export function tcpdumpPackets(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s/.test(line) && lines.length > 0) lines[lines.length - 1] += ` ${line.trim()}`;
    else if (line) lines.push(line);
  }
  return lines;
}
