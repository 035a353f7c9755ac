// What both file forms (text, JSON) read into before names are folded and values checked.

export interface RawAttribute {
  /** As written in the file (`sasl-mechanisms`, `dir`, …). */
  name: string;
  /** A string in the text form; whatever JSON holds in the JSON form; an object for inline maps. */
  value: unknown;
  line: number;
}

export interface RawSection {
  /** As written (`ssl-profile`, `linkRoute`, …). */
  name: string;
  line: number;
  attributes: RawAttribute[];
}
