// Link events over rtnetlink (RTNLGRP_LINK): how track_interface learns that an interface
// went down or came back, without polling.
import { NetlinkConnection } from '../netlink/connection.js';
import { NETLINK_ROUTE } from '../netlink/constants.js';
import { decodeLink, listLinks, type Link } from './links.js';
import { IFF_RUNNING, IFF_UP, RTM_DELLINK, RTM_NEWLINK, RTNLGRP_LINK } from './constants.js';

export interface LinkEvent {
  kind: 'changed' | 'removed';
  link: Link;
  /** Administratively up and with carrier: what keepalived calls the interface being up. */
  up: boolean;
}

export function linkIsUp(link: Link): boolean {
  return (link.flags & IFF_UP) !== 0 && (link.flags & IFF_RUNNING) !== 0;
}

export interface LinkWatcher {
  /** The links as they were when watching began. */
  initial: Link[];
  close(): void;
}

/**
 * Subscribes to link events, then reads the current links, so that no change between the
 * two is missed. With keepAlive false the socket does not hold the process open by itself.
 */
export async function watchLinks(onEvent: (event: LinkEvent) => void, keepAlive = true): Promise<LinkWatcher> {
  const events = NetlinkConnection.open(NETLINK_ROUTE, { groups: [RTNLGRP_LINK] });
  events.onNotification((message) => {
    if (message.header.type !== RTM_NEWLINK && message.header.type !== RTM_DELLINK) return;
    const link = decodeLink(message);
    const kind = message.header.type === RTM_DELLINK ? 'removed' : 'changed';
    onEvent({ kind, link, up: kind === 'changed' && linkIsUp(link) });
  });
  if (!keepAlive) events.unref();
  const query = NetlinkConnection.open(NETLINK_ROUTE);
  try {
    return { initial: await listLinks(query), close: () => events.close() };
  } catch (error) {
    events.close();
    throw error;
  } finally {
    query.close();
  }
}
