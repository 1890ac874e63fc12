/** The sample lines of one metric (`name{labels} value` or `name value`) in exposition text, sorted. */
export function series(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .sort();
}
