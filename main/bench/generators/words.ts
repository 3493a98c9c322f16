// Word banks for the procedural generators (our own invented names and phrases).
import type { Rng } from '../util.js';

export const CITIES = [
  'Arlenport',
  'Brindlemoor',
  'Caskvale',
  'Dunmarrow',
  'Elkridge',
  'Fernhollow',
  'Glimmerton',
  'Harrowgate',
  'Ivelmouth',
  'Juniper Bay',
  'Kestrel Point',
  'Larkspur',
  'Millbrook',
  'Northwick',
  'Oakhaven',
  'Pellmont',
  'Quarry Hill',
  'Rosewater',
  'Saltmarsh',
  'Thistledown',
];
export const FIRST = [
  'Ada',
  'Bruno',
  'Celia',
  'Darius',
  'Elena',
  'Felix',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Lorenzo',
  'Mira',
  'Nils',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sven',
  'Talia',
  'Umar',
  'Vera',
  'Wendel',
  'Yara',
];
export const LAST = [
  'Abernath',
  'Brightwell',
  'Castellane',
  'Dorrance',
  'Everly',
  'Fairbairn',
  'Greaves',
  'Holloway',
  'Iverson',
  'Jessup',
  'Kowalczyk',
  'Lindqvist',
  'Marchetti',
  'Novak',
  'Oyelaran',
  'Pemberton',
  'Quintero',
  'Rasmussen',
  'Szabo',
  'Thorne',
];
export const COLORS = ['red', 'blue', 'green', 'amber', 'violet', 'silver', 'ochre', 'teal'];
export const ANIMALS = ['otter', 'heron', 'badger', 'lynx', 'falcon', 'marten', 'ibex', 'newt'];
export const FRUITS = ['apples', 'pears', 'plums', 'lemons', 'figs', 'cherries', 'apricots', 'quinces'];
export const THINGS = ['lanterns', 'notebooks', 'jars of honey', 'wool scarves', 'clay pots', 'kites', 'candles', 'baskets'];
export const TOPICS = ['river ecology', 'bridge engineering', 'bread baking', 'bird migration', 'solar sails', 'tea cultivation', 'glass blowing', 'weather balloons', 'beekeeping', 'map making'];
export const ORGS = ['Institute of Applied Puzzles', 'Northwick Polytechnic', 'Harbor Lab', 'Caskvale University', 'Fernhollow Research Centre', 'Meridian Works'];
export const VENUES = ['ICLR', 'NeurIPS', 'ACL', 'EMNLP', 'KDD', 'CVPR'];

export function personName(rng: Rng): string {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

/** A short invented sentence about a topic, for filler text. */
export function fillerSentence(rng: Rng): string {
  const topic = rng.pick(TOPICS);
  const city = rng.pick(CITIES);
  const forms = [
    `Researchers in ${city} have long argued that ${topic} rewards patience more than talent.`,
    `The archive in ${city} keeps a shelf of old letters about ${topic}, most of them unsigned.`,
    `Every spring the people of ${city} hold a small fair where ${topic} is the main attraction.`,
    `A teacher from ${city} once wrote that ${topic} is best learned by making mistakes in public.`,
    `In ${city}, the first guide to ${topic} was printed on paper made from river reeds.`,
    `Visitors to ${city} often ask why so many shops there sell books about ${topic}.`,
    `The council of ${city} funds a yearly prize for the most careful work on ${topic}.`,
    `Old maps of ${city} mark the house where a famous society for ${topic} first met.`,
  ];
  return rng.pick(forms);
}

export function paragraph(rng: Rng, sentences: number): string {
  return Array.from({ length: sentences }, () => fillerSentence(rng)).join(' ');
}
