#!/usr/bin/env node
// greenwave command line: `pnpm greenwave <command> [options]`
import { GreenwaveError, toGreenwaveError } from '@greenwave/contracts';
import { HelpRequested } from './commands/args.ts';
import { adminCommand } from './commands/admin-command.ts';
import { cabinetsCommand } from './commands/cabinets-command.ts';
import { centreCommand } from './commands/centre-command.ts';
import { commissionCommand } from './commands/commission-command.ts';
import { detectCommand } from './commands/detect-command.ts';
import { evalCommand } from './commands/eval-command.ts';
import { scenariosCommand, validateCommand } from './commands/file-commands.ts';
import { startCommand } from './commands/start-command.ts';
import { sumoEvalCommand } from './commands/sumo-eval-command.ts';

const commands: Record<string, { run: (argv: readonly string[]) => Promise<void>; help: string }> = {
  start: { run: startCommand, help: 'run the city twin live under its controllers (Ctrl-C to stop)' },
  centre: { run: centreCommand, help: 'run the centre alone (agents connect over WebSocket; API on the same port)' },
  admin: { run: adminCommand, help: 'create-user (choose the password) or agent-token (issue an agent’s token)' },
  eval: { run: evalCommand, help: 'compare controllers on one scenario and seed; prints a table, writes JSON' },
  'sumo-eval': { run: sumoEvalCommand, help: 'greenwave controllers against SUMO’s own programs on a SUMO network (needs Debian sumo)' },
  cabinets: { run: cabinetsCommand, help: 'serve a scenario’s cabinets over Modbus TCP / OPC UA with the twin behind them' },
  commission: { run: commissionCommand, help: 'check a cabinet against its intersection config and write a signed-off report' },
  detect: { run: detectCommand, help: 'vehicles in an image, a video or a folder (NanoDet or a YOLO ONNX export); text or JSON, annotated image' },
  scenarios: { run: scenariosCommand, help: 'list the shipped scenarios' },
  validate: { run: validateCommand, help: 'check a scenario, network or intersection file and explain every error' },
};

function help(): string {
  return ['usage: pnpm greenwave <command> [options]', '', ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(11)}${c.help}`), '', 'pnpm greenwave <command> --help shows its options'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    console.log(help());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  try {
    await command.run(rest);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (thrown) {
    if (thrown instanceof HelpRequested) {
      console.log(thrown.text);
      return 0;
    }
    const error = toGreenwaveError(thrown);
    console.error(error instanceof GreenwaveError && error.code !== 'INTERNAL' ? `error: ${error.message}` : `internal error: ${error.stack ?? error.message}`);
    return error.recoverable ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
