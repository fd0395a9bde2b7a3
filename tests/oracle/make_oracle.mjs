// node make_oracle.mjs SCALE_FACTOR DIR
// Writes the oracle's tables as CSV (DIR/NAME.csv, a header, DuckDB's quoting: a null is an
// empty field, an empty string is "") and DuckDB's answer to every query (DIR/answers/NAME.tsv,
// and DIR/answers/manifest.json saying which queries order their rows).
// TSV: a row per line, cells by tab; null as \N; doubles with 17 significant digits; a
// backslash, tab, CR or LF inside a string escaped as \\, \t, \r, \n.
import { mkdirSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeTables, TABLES } from './tables.mjs';
import { QUERIES } from './queries.mjs';

const [sf, dir] = [Number(process.argv[2]), process.argv[3]];
if (!(sf > 0) || !dir) {
  console.error('usage: node make_oracle.mjs SCALE_FACTOR DIR');
  process.exit(64);
}
const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await inst.connect();
await makeTables(con, sf);
mkdirSync(`${dir}/answers`, { recursive: true });
for (const t of TABLES) await con.run(`copy ${t} to '${dir}/${t}.csv' (header, delimiter ',')`);

const escape = (s) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
const cell = (v) => v === null ? '\\N'
  : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(17))
  : typeof v === 'string' ? escape(v) : String(v);
const manifest = {};
for (const [name, q] of Object.entries(QUERIES)) {
  const result = await con.runAndReadAll(q.sql);
  const lines = result.getRows().map((r) => r.map(cell).join('\t'));
  writeFileSync(`${dir}/answers/${name}.tsv`, lines.map((l) => l + '\n').join(''));
  manifest[name] = { ordered: !!q.ordered, rows: lines.length };
}
writeFileSync(`${dir}/answers/manifest.json`, JSON.stringify(manifest, null, 1) + '\n');
console.log(`${Object.keys(manifest).length} answers in ${dir}/answers`);
