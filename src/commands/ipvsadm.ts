import { BaseCommand } from '../base-command.js';
import { runIpvsadm, type IpvsadmResult } from '../ipvs/ipvsadm-run.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export default class Ipvsadm extends BaseCommand {
  static override summary = 'Run an ipvsadm command line: same output, same exit status.';
  static override description =
    'A drop-in for ipvsadm 1.31: the arguments are ipvsadm\'s own (-A -t ADDR:PORT -s rr, -Ln, -S -n, -R < FILE, ...) and ' +
    'the output and exit status are what ipvsadm prints for the same kernel state, with vipctl\'s fixes (see vipctl lb list). ' +
    'Restore (-R) is all or nothing: a bad line changes nothing, a refused line is undone with everything before it.';
  static override examples = [
    { command: '<%= config.bin %> ipvsadm -A -t 10.0.0.1:80 -s rr', description: 'Add a virtual service.' },
    { command: '<%= config.bin %> ipvsadm -Ln', description: 'List the table, numerically.' },
    { command: '<%= config.bin %> ipvsadm -S -n > /etc/ipvsadm.rules', description: 'Save the rules.' },
    { command: '<%= config.bin %> ipvsadm -R < /etc/ipvsadm.rules', description: 'Restore them, all or nothing.' },
  ];
  static override strict = false;
  static override enableJsonFlag = false;
  // ipvsadm's own statuses, not vipctl's table: scripts compare against these.
  static override exitCodes = {
    1: 'listing a service that does not exist',
    255: 'unknown option, or the kernel refused the change (as ipvsadm: -1)',
  };

  async run(): Promise<IpvsadmResult> {
    // ipvsadm's options are parsed by ipvsadm's rules, not oclif's.
    const argv = this.argv.filter((arg) => arg !== '--debug');
    const result = await runIpvsadm(argv, { readStdin });
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
    process.exitCode = result.status;
    return result;
  }
}
