/**
 * Header splitting by a log-format string, as the public log-parser benchmark does (logparser's
 * `generate_logformat_regex` / `log_to_dataframe`): `<Name>` fields become lazy named groups, literal
 * text between them is used as regex source (so `\[` stays an escaped bracket) with runs of spaces
 * matching any whitespace, the whole is anchored, and each line is trimmed before matching. A format may
 * also be a plain regex with a `(?<Content>…)` group. Plus the small CSV reader/writer the loghub files
 * need. No I/O.
 */

export interface LogFormat {
  headers: string[];
  regex: RegExp;
}

/** The header formats the loghub benchmark uses for the systems in `loghub-2k`. */
export const LOGHUB_FORMATS: Record<string, string> = {
  HDFS: '<Date> <Time> <Pid> <Level> <Component>: <Content>',
  Hadoop: '<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>',
  Spark: '<Date> <Time> <Level> <Component>: <Content>',
  Zookeeper: '<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>',
  BGL: '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>',
  HPC: '<LogId> <Node> <Component> <State> <Time> <Flag> <Content>',
  Thunderbird: '<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\\[<PID>\\])?: <Content>',
  Windows: '<Date> <Time>, <Level>                  <Component>    <Content>',
  Linux: '<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>',
  Android: '<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>',
  HealthApp: '<Time>\\|<Component>\\|<Pid>\\|<Content>',
  Apache: '\\[<Time>\\] \\[<Level>\\] <Content>',
  Proxifier: '\\[<Time>\\] <Program> - <Content>',
  OpenSSH: '<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>',
  OpenStack: '<Logrecord> <Date> <Time> <Pid> <Level> <Component> \\[<ADDR>\\] <Content>',
  Mac: '<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>',
};

export class LogFormatError extends Error {}

/** Compiles `<Date> <Time> <Level> <Component>: <Content>` into an anchored regex with named groups. */
export function compileLogFormat(format: string): LogFormat {
  const pieces = format.split(/(<[^<>]+>)/);
  const headers: string[] = [];
  let source = '';
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k]!;
    if (k % 2 === 0) {
      source += piece.replace(/ +/g, '\\s+');
    } else {
      const name = piece.slice(1, -1).trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new LogFormatError(`field name ${JSON.stringify(name)} is not a plain identifier`);
      }
      if (headers.includes(name)) {
        throw new LogFormatError(`field <${name}> appears twice`);
      }
      headers.push(name);
      source += `(?<${name}>.*?)`;
    }
  }
  if (!headers.includes('Content')) {
    throw new LogFormatError('the format has no <Content> field');
  }
  try {
    return { headers, regex: new RegExp(`^${source}$`) };
  } catch (err) {
    throw new LogFormatError(`not a valid pattern: ${(err as Error).message}`);
  }
}

/**
 * A format given by a user: the benchmark's `<Field>` language, or a JavaScript regex with named groups, one
 * of them `Content` (`^(?<Date>\S+) (?<Level>\w+) (?<Content>.*)$`).
 */
export function parseFormatSpec(spec: string): LogFormat {
  if (!spec.includes('(?<Content>')) {
    return compileLogFormat(spec);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(spec);
  } catch (err) {
    throw new LogFormatError(`not a valid pattern: ${(err as Error).message}`);
  }
  const headers = [...spec.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
  return { headers, regex };
}

/**
 * A file mapping systems to formats: a JSON object `{ "System": "format" }`, or lines `System format`
 * (the first word names the system, the rest of the line is the format; `#` starts a comment line).
 */
export function parseFormatMap(text: string): Map<string, string> {
  const trimmed = text.trim();
  const out = new Map<string, string>();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new LogFormatError(`not valid JSON: ${(err as Error).message}`);
    }
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof v !== 'string') {
        throw new LogFormatError(`the format of ${JSON.stringify(k)} is not a string`);
      }
      out.set(k, v);
    }
    return out;
  }
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^\s#]\S*)\s+(.*\S)\s*$/.exec(line);
    if (m) {
      out.set(m[1]!, m[2]!);
    } else if (line.trim() !== '' && !line.trim().startsWith('#')) {
      throw new LogFormatError(`expected "System format" in line ${JSON.stringify(line)}`);
    }
  }
  return out;
}

/** The fields of one line, or undefined when the line does not fit the format. */
export function splitLine(format: LogFormat, line: string): Record<string, string> | undefined {
  const m = format.regex.exec(line.trim());
  if (!m?.groups) {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const h of format.headers) {
    out[h] = m.groups[h] ?? '';
  }
  return out;
}

export interface HeaderSplit {
  contents: string[];
  /** Raw lines (non-blank) that did not fit the format. */
  unmatched: number;
}

/**
 * Splits raw lines by the format. Lines that do not fit are skipped, as the benchmark's loader does, or kept
 * whole as content with `keepUnmatched` (so no line is lost when the format was detected, not given).
 */
export function splitLog(text: string, format: LogFormat, keepUnmatched = false): HeaderSplit {
  const contents: string[] = [];
  let unmatched = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      continue;
    }
    const fields = splitLine(format, line);
    if (fields) {
      contents.push(fields.Content ?? '');
    } else {
      unmatched++;
      if (keepUnmatched) {
        contents.push(line.trim());
      }
    }
  }
  return { contents, unmatched };
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: Array<string | number>): string {
  return values.map(csvField).join(',');
}
