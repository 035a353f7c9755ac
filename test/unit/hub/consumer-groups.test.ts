// HubOptions.consumerGroups (`--consumer-group`, repeatable): `$Default` is always there, names
// follow the Event Hubs rule, duplicates (case-insensitive) collapse (issue 3 item 6; §6.1).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HubOptionsError, resolveHubOptions } from '../../../hub/options.js';

const groups = (consumerGroups?: string[]): readonly string[] => resolveHubOptions({ dataDir: '/tmp/x', consumerGroups }).consumerGroups;

test('$Default is always the first consumer group', () => {
  assert.equal(groups(), ['$Default']);
  assert.equal(groups(['analytics', 'ops.v2_x-1']), ['$Default', 'analytics', 'ops.v2_x-1']);
});

test('a group named twice, in any case, is kept once', () => {
  assert.equal(groups(['$default', 'Analytics', 'ANALYTICS']), ['$Default', 'Analytics']);
});

test('a name outside the Event Hubs rule names the option', () => {
  for (const bad of ['', 'a/b', '-x', 'x'.repeat(51), '$other']) {
    let error: unknown;
    try {
      groups([bad]);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof HubOptionsError, bad);
    assert.is((error as HubOptionsError).option, 'consumerGroups');
  }
});

test.run();
