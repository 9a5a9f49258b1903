// vipctl's help: oclif's, plus an EXIT STATUS section built from each command's
// documented exit codes (the same text the man pages carry).
import { CommandHelp, Help, type Command } from '@oclif/core';
import { COMMON_EXIT_CODES } from './base-command.js';

export function exitStatusLines(command: Command.Loadable | Command.Cached): string[] {
  const own = (command as unknown as { exitCodes?: Record<string, string> }).exitCodes ?? {};
  const merged: Record<string, string> = { ...COMMON_EXIT_CODES, ...own };
  return Object.keys(merged)
    .map(Number)
    .sort((a, b) => a - b)
    .map((code) => `${String(code).padStart(3)}  ${merged[code]}`);
}

class VipctlCommandHelp extends CommandHelp {
  protected override sections(): ReturnType<CommandHelp['sections']> {
    return [
      ...super.sections(),
      {
        header: 'EXIT STATUS',
        generate: ({ cmd }) => exitStatusLines(cmd).join('\n'),
      },
    ];
  }
}

export default class VipctlHelp extends Help {
  protected override CommandHelpClass = VipctlCommandHelp;
}
