// Cross-checks between entities, and warnings about settings that load but will not do what the
// writer probably wants. Every error says which line to change and how.
import { DuplicateRouteError, buildRouteTable, routeTokens } from '../routes/table.js';
import { RoutePatternError } from '../routes/address.js';
import {
  ConflictingAttributesError, DanglingReferenceError, DuplicateEntityError, InvalidValueError, MissingAttributeError, type ConfigWarning,
} from './errors.js';
import { didYouMean } from './names.js';
import type { EffectiveConfig } from './types.js';

export function checkConfig(config: EffectiveConfig): ConfigWarning[] {
  const { file } = config;
  const warnings: ConfigWarning[] = [];
  const at = (line: number) => ({ file, line });
  const profiles = new Map(config.sslProfiles.map((p) => [p.name, p]));
  const connectors = new Map(config.connectors.map((c) => [c.name, c]));
  const profileRef = (name: string | undefined, line: number, who: string) => {
    if (name === undefined) return undefined;
    const profile = profiles.get(name);
    if (!profile) {
      throw new DanglingReferenceError(at(line), `${who} names sslProfile '${name}', which is not defined: ${didYouMean(name, [...profiles.keys()])}add 'sslProfile { name: ${name} … }' or fix the name`);
    }
    return profile;
  };

  if (config.listeners.length + config.serialListeners.length === 0) {
    throw new MissingAttributeError(at(0), `no listener: devices could not reach the gateway; add 'listener { port: 5672 }'`);
  }
  for (const p of config.sslProfiles) {
    if ((p.certFile === undefined) !== (p.privateKeyFile === undefined)) {
      throw new MissingAttributeError(at(p.line), `sslProfile '${p.name}' needs both certFile and privateKeyFile, or neither`);
    }
  }
  for (const l of config.listeners) {
    const profile = profileRef(l.sslProfile, l.line, `listener '${l.name}'`);
    if (profile && profile.certFile === undefined) {
      throw new MissingAttributeError(at(profile.line), `sslProfile '${profile.name}' is used by listener '${l.name}' (line ${l.line}), so it needs certFile and privateKeyFile (the gateway's certificate)`);
    }
    if (l.requireSsl && !profile) throw new MissingAttributeError(at(l.line), `listener '${l.name}' has requireSsl but no sslProfile: add one or remove requireSsl`);
  }
  for (const c of config.connectors) {
    profileRef(c.sslProfile, c.line, `connector '${c.name}'`);
    if (!c.cbsProxy && c.deviceAuthorization === 'per-device') {
      throw new ConflictingAttributesError(at(c.line), `connector '${c.name}': per-device authorization needs the CBS proxy to see the tokens; set 'cbsProxy: yes' or 'deviceAuthorization: off'`);
    }
    if (c.deviceAuthorization === 'off') {
      warnings.push({ file, line: c.line, message: `connector '${c.name}' has deviceAuthorization off: any device can use another device's token on the shared upstream connection (reference/qdrouterd.md §5.2)` });
    }
    if (/^<.*>$/.test(c.host)) {
      warnings.push({ file, line: c.line, message: `connector '${c.name}' host '${c.host}' looks like a placeholder: put the hub's host name there (e.g. <hub>.azure-devices.net)` });
    }
    if (!config.linkRoutes.some((r) => r.connection === c.name)) {
      warnings.push({ file, line: c.line, message: `connector '${c.name}' carries no linkRoute: it will connect but route nothing` });
    }
  }
  for (const r of config.linkRoutes) {
    if (r.prefix !== undefined && r.pattern !== undefined) throw new ConflictingAttributesError(at(r.line), `linkRoute '${r.name}' has both prefix and pattern: keep one`);
    if (r.prefix === undefined && r.pattern === undefined) throw new MissingAttributeError(at(r.line), `linkRoute '${r.name}' needs a prefix or a pattern`);
    if (r.connection !== undefined && r.containerId !== undefined) {
      throw new ConflictingAttributesError(at(r.line), `linkRoute '${r.name}' has both connection and containerId: keep connection (IoT Hub container-ids change per connection)`);
    }
    if (r.connection === undefined && r.containerId === undefined) {
      throw new MissingAttributeError(at(r.line), `linkRoute '${r.name}' needs 'connection: <connector name>'${config.connectors[0] ? ` (e.g. '${config.connectors[0].name}')` : ''}`);
    }
    try {
      routeTokens(r);
    } catch (cause) {
      if (cause instanceof RoutePatternError) throw new InvalidValueError(at(r.line), `linkRoute '${r.name}': ${cause.message}`, { cause });
      throw cause;
    }
    if (r.connection === undefined) continue;
    const c = connectors.get(r.connection);
    if (!c) {
      const listener = config.listeners.some((l) => l.name === r.connection) ? ` ('${r.connection}' is a listener: routes go to connectors)` : '';
      throw new DanglingReferenceError(at(r.line), `linkRoute '${r.name}' names connection '${r.connection}', which is no connector${listener}: ${didYouMean(r.connection, [...connectors.keys()])}connectors are ${[...connectors.keys()].join(', ') || '(none)'}`);
    }
    if (c.role !== 'route-container') {
      throw new InvalidValueError(at(c.line), `connector '${c.name}' has role '${c.role}' but linkRoute '${r.name}' (line ${r.line}) routes to it: link routes are only active on route-container connections (reference/qdrouterd.md §2.7); write 'role: route-container'`);
    }
  }
  try {
    buildRouteTable(config.linkRoutes);
  } catch (cause) {
    if (!(cause instanceof DuplicateRouteError)) throw cause;
    const line = config.linkRoutes.find((r) => r.name === cause.route.name)?.line ?? 0;
    throw new DuplicateEntityError(at(line), `${cause.message}: remove one of them`, { cause });
  }
  if (config.linkRoutes.length === 0) warnings.push({ file, line: 0, message: `no linkRoute: every device attach will be refused with qd:no-route-to-dest` });
  return warnings;
}
