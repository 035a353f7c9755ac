// The config reader's one entry point: text in, effective config and warnings out, or a
// ConfigError. Pure; gateway/cli.ts reads the file and passes its text and name.
import { buildConfig } from './build.js';
import { checkConfig } from './checks.js';
import { readJsonForm } from './json-form.js';
import { normalise } from './normalise.js';
import { readTextForm } from './text-form.js';
import type { LoadedConfig } from './types.js';

export interface ParseConfigOptions {
  /** Shown in every message; a name ending in `.json` selects the JSON form (reference/qdrouterd.md §1.1). */
  file: string;
  /** Overrides the choice by file name. */
  format?: 'text' | 'json';
}

export function parseConfig(text: string, options: ParseConfigOptions): LoadedConfig {
  const { file } = options;
  const json = options.format ? options.format === 'json' : file.toLowerCase().endsWith('.json');
  const read = json ? { sections: readJsonForm(text, file), warnings: [] } : readTextForm(text, file);
  const normalised = normalise(read.sections, file);
  const config = buildConfig(normalised.entities, file);
  const checked = checkConfig(config);
  const warnings = [...read.warnings, ...normalised.warnings, ...checked].sort((a, b) => a.line - b.line);
  return { config, warnings };
}
