/**
 * Just enough of a schema.prisma reader to check the hand-written migrations against the schema:
 * models, their scalar fields (type, optional, @map, @db.*), @@map and index/unique attributes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../infra/paths';

export interface SchemaField {
  name: string;
  column: string;
  type: string;
  optional: boolean;
  nativeType?: string;
}

export interface SchemaModel {
  name: string;
  table: string;
  fields: SchemaField[];
  /** Index names Prisma derives: <table>_<cols>_key for unique, <table>_<cols>_idx for index, <table>_pkey. */
  indexes: { name: string; unique: boolean }[];
}

const SCALARS = new Set(['String', 'Int', 'BigInt', 'Boolean', 'DateTime', 'Json', 'Decimal', 'Float', 'Bytes']);

export function readSchemaModels(file = path.join(PROJECT_ROOT, 'prisma', 'schema.prisma')): SchemaModel[] {
  const text = fs.readFileSync(file, 'utf8');
  const models: SchemaModel[] = [];
  for (const block of text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const name = block[1]!;
    const lines = block[2]!
      .split('\n')
      .map((l) => l.replace(/\/\/.*$/, '').trim())
      .filter(Boolean);
    const table = /@@map\("([^"]+)"\)/.exec(block[2]!)?.[1] ?? name;
    const fields: SchemaField[] = [];
    const uniques: { fields: string[]; unique: boolean }[] = [];
    for (const line of lines) {
      if (line.startsWith('@@')) {
        const m = /^@@(unique|index)\(\[([^\]]+)\]/.exec(line);
        if (m) uniques.push({ unique: m[1] === 'unique', fields: m[2]!.split(',').map((f) => f.trim()) });
        continue;
      }
      const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!m || !SCALARS.has(m[2]!) || m[3]) continue; // relation fields and lists have no column
      const attrs = m[5] ?? '';
      fields.push({
        name: m[1]!,
        column: /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? m[1]!,
        type: m[2]!,
        optional: m[4] === '?',
        nativeType: /@db\.(\w+(\([^)]*\))?)/.exec(attrs)?.[1],
      });
      if (/@unique\b/.test(attrs)) uniques.push({ unique: true, fields: [m[1]!] });
    }
    const column = (f: string) => fields.find((x) => x.name === f)?.column ?? f;
    const indexes = [
      { name: `${table}_pkey`, unique: true },
      ...uniques.map((u) => ({ name: `${table}_${u.fields.map(column).join('_')}_${u.unique ? 'key' : 'idx'}`, unique: u.unique })),
    ];
    models.push({ name, table, fields, indexes });
  }
  return models;
}

/** The PostgreSQL column type Prisma creates for a field (as information_schema reports it). */
export function expectedColumnType(f: SchemaField): string {
  if (f.nativeType) {
    const m = /^Decimal\((\d+),\s*(\d+)\)$/.exec(f.nativeType);
    if (m) return `numeric(${m[1]},${m[2]})`;
    throw new Error(`no mapping for @db.${f.nativeType} in the test yet`);
  }
  switch (f.type) {
    case 'String':
      return 'text';
    case 'Int':
      return 'integer';
    case 'BigInt':
      return 'bigint';
    case 'Boolean':
      return 'boolean';
    case 'DateTime':
      return 'timestamp(3) without time zone';
    case 'Json':
      return 'jsonb';
    case 'Decimal':
      return 'numeric(65,30)';
    default:
      throw new Error(`no mapping for ${f.type} in the test yet`);
  }
}
