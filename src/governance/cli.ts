// `marz governance …` subcommands (database-free).
//   score-1072 FILE.json   score a complete set of SDG 10.7.2 answers; prints the result as JSON
// Exit codes: 0 success · 1 the file cannot be read/parsed or the answers are incomplete/invalid ·
// 2 usage error (unknown subcommand, missing argument).
import fs from 'node:fs';
import { scoreSdg1072, validateSdg1072 } from './scoring.ts';

export interface CommandOutput {
  log(s: string): void;
  error(s: string): void;
}

export const GOVERNANCE_USAGE = `usage: marz governance <command>

commands:
  score-1072 FILE.json   score SDG indicator 10.7.2 from a JSON file of 30 answers:
                         {"PD_1":["YES_ALL","YES_LEGAL_ONLY","NO","YES_ALL","YES_ALL"],
                          "PD_2":["YES","NO","YES","YES","YES"], … "PD_6":[…]}
                         domain 1 answers: YES_ALL | YES_LEGAL_ONLY | NO; domains 2-6: YES | NO
                         prints {"domains":{"PD_1":{"value":…,"category":…},…},"overall":{…}}
                         (overall values that are not whole numbers are rounded to 2 decimals;
                         categories come from the exact value)`;

export async function governanceCommand(args: string[], out: CommandOutput): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    if (sub === undefined) {
      out.error(GOVERNANCE_USAGE);
      return 2;
    }
    out.log(GOVERNANCE_USAGE);
    return 0;
  }
  switch (sub) {
    case 'score-1072':
      return score1072(rest, out);
    default:
      out.error(`unknown governance command "${sub}"\n\n${GOVERNANCE_USAGE}`);
      return 2;
  }
}

async function score1072(args: string[], out: CommandOutput): Promise<number> {
  if (args.length !== 1) {
    out.error(`score-1072 needs exactly one FILE.json argument${args.length ? ` (got ${args.length})` : ''}\n\n${GOVERNANCE_USAGE}`);
    return 2;
  }
  const file = args[0]!;
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    out.error(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    return 1;
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    out.error(`${file} is not valid JSON: ${(e as Error).message}`);
    return 1;
  }
  const v = validateSdg1072(json);
  if (!v.ok) {
    const missing = v.problems.filter((p) => p.kind === 'missing').length;
    const invalid = v.problems.length - missing;
    out.error(
      `${file}: SDG 10.7.2 not scored, ${missing} missing and ${invalid} invalid item(s):\n` +
        v.problems.map((p) => `  - ${p.message}`).join('\n'),
    );
    return 1;
  }
  out.log(JSON.stringify(scoreSdg1072(v.answers), null, 2));
  return 0;
}
