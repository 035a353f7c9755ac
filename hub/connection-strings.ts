// The connection strings the hub hands out (issue 3 item 1), built with protocol/connection-string.ts.
// `HostName` carries `:port` whenever the port is not 5671, so every SDK connects with the string
// as printed (reference/iot-hub-amqp.md §1.2); the Event Hubs endpoint likewise (§1.2, §6.1).
import { formatEventHubConnectionString, formatIotHubConnectionString } from '../protocol/connection-string.js';
import type { Device, Policy } from './store/registry.js';

export interface HubAddress {
  hostname: string;
  port: number;
  name: string;
}

export function hostWithPort(hub: HubAddress): string {
  const host = hub.hostname.includes(':') && !hub.hostname.startsWith('[') ? `[${hub.hostname}]` : hub.hostname;
  return hub.port === 5671 ? host : `${host}:${hub.port}`;
}

export function serviceConnectionString(hub: HubAddress, policy: Policy): string {
  return formatIotHubConnectionString({ hostName: hostWithPort(hub), sharedAccessKeyName: policy.name, sharedAccessKey: policy.primaryKey });
}

export function deviceConnectionString(hub: HubAddress, device: Device): string {
  return formatIotHubConnectionString({ hostName: hostWithPort(hub), deviceId: device.id, sharedAccessKey: device.primaryKey });
}

/** The Event Hub-compatible endpoint (§6.1): same host and port, EntityPath = hub name. */
export function eventHubConnectionString(hub: HubAddress, policy: Policy): string {
  return formatEventHubConnectionString({
    endpoint: `sb://${hostWithPort(hub)}/`,
    sharedAccessKeyName: policy.name,
    sharedAccessKey: policy.primaryKey,
    entityPath: hub.name,
  });
}
