import { itemCatalog, type CatalogEntry } from '../../../shared/data/keys';
import { indexes, tableDesign } from '../../../shared/data/table-design';

/** docs/data-model.md's items table as the key catalog makes it: a header and one row of cells per item type. */
export function catalogItemsTable(catalog: readonly CatalogEntry[] = itemCatalog()): string[][] {
  const indexList = Object.values(indexes);
  const header = [
    'item',
    tableDesign.partitionKey,
    tableDesign.sortKey,
    ...indexList.map((index) => `${index.partitionKey} / ${index.sortKey}`),
  ];
  const rows = catalog.map((entry) => [
    entry.item,
    code(entry.keys[tableDesign.partitionKey]),
    code(entry.keys[tableDesign.sortKey]) + (entry.note ? ` (${entry.note})` : ''),
    ...indexList.map((index) => {
      const [partition, sort] = [entry.keys[index.partitionKey], entry.keys[index.sortKey]];
      if (partition === undefined && sort === undefined) return '';
      const when = entry.when?.[index.indexName];
      return `${code(partition)} / ${code(sort)}${when ? ` (${when})` : ''}`;
    }),
  ]);
  return [header, ...rows];
}

const code = (value: string | undefined) => (value === undefined ? '' : `\`${value}\``);

/** The cells of the first Markdown table under `## <heading>` (the separator row left out). */
export function markdownTable(markdown: string, heading: string): string[][] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (!section) throw new Error(`No section "## ${heading}"`);
  const lines = section.split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  if (first < 0) throw new Error(`No table under "## ${heading}"`);
  const end = lines.findIndex((line, index) => index > first && !line.startsWith('|'));
  return lines
    .slice(first, end < 0 ? undefined : end)
    .filter((line) => !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

/** A Markdown table of these rows (Prettier aligns it). */
export function toMarkdown(rows: readonly string[][]): string {
  const [header = [], ...body] = rows;
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}
