// Link dispatch by address: THE table from address kind to handler (issue 3 items 3-8). Every
// incoming attach's address (the source when the hub sends, the target when it receives) is
// parsed by protocol/address.ts and handed to the handler of its kind. Unknown addresses, kinds
// without a handler and directions a handler does not serve are refused with amqp:not-found.
//
// To add a handler: write `amqp/<kind>.ts` exporting a HandlerFactory and add one line below.
import type { Receiver, Sender } from 'rhea';
import { AddressError, parseAddress, type AddressKind, type IotHubAddress } from '../../protocol/address.js';
import { HubError } from '../errors.js';
import { cbsHandler } from './cbs.js';
import { toAmqpError } from './conditions.js';
import { deviceBoundHandler } from './device-bound.js';
import { deviceEventsHandler } from './device-events.js';
import { feedbackHandler } from './feedback.js';
import { serviceBoundHandler } from './service-bound.js';
import type { HubConnection } from './hub-connection.js';
import { managementHandler } from './management.js';
import { partitionHandler } from './partition.js';
import type { Attach, HubServices, LinkHandler } from './link-handler.js';
import { acceptLink, isLocallyOpen, refuseLink, remoteAddress, type Link } from './rhea-links.js';

export type RouteTable = { [K in AddressKind]?: LinkHandler<K> };

export function createRoutes(services: HubServices): RouteTable {
  return {
    cbs: cbsHandler(services),
    'device-events': deviceEventsHandler(services),
    'service-bound': serviceBoundHandler(services),
    'device-bound': deviceBoundHandler(services),
    feedback: feedbackHandler(services),
    partition: partitionHandler(services),
    management: managementHandler(services),
  };
}

/** Hands one incoming attach to its handler; any failure refuses the link (never throws). */
export function dispatchAttach(routes: RouteTable, link: Link, connection: HubConnection): void {
  try {
    const raw = remoteAddress(link);
    if (raw === undefined) throw new HubError('not-found', `the ${link.is_sender() ? 'source' : 'target'} has no address`);
    let address: IotHubAddress;
    try {
      address = parseAddress(raw);
    } catch (error) {
      if (error instanceof AddressError) throw new HubError('not-found', error.message, { cause: error });
      throw error;
    }
    const handler = routes[address.kind] as LinkHandler<AddressKind> | undefined;
    const attach: Attach<AddressKind> = { address, rawAddress: raw, connection };
    const serve = link.is_sender() ? handler?.sender : handler?.receiver;
    if (!serve) {
      const role = link.is_sender() ? 'received from' : 'sent to';
      throw new HubError('not-found', `${raw} (${address.kind}) cannot be ${role} on this hub`);
    }
    if (link.is_sender()) handler!.sender!(link as Sender, attach);
    else handler!.receiver!(link as Receiver, attach);
    if (isLocallyOpen(link)) acceptLink(link);
  } catch (error) {
    refuseLink(link, toAmqpError(error));
  }
}
