/**
 * The MQTT topic namespace, versioned: `hallgate/v1/<site>/<gateway>/<leaf>`
 * for what one gateway publishes or receives, `hallgate/v1/<site>/config/<kind>`
 * for the retained configuration the site pushes down (and
 * `hallgate/v1/<site>/<gateway>/config/<kind>` for one gateway's own). Site and gateway ids
 * are letters, digits, `_` and `-`, so they never contain a wildcard or a `/`.
 */

export const TOPIC_ROOT = 'hallgate/v1';

export type GatewayLeaf = 'batch' | 'ack' | 'status' | 'heartbeat';
/** 'decisions': manual decisions made centrally (excuses, review resolutions) the gateway must keep. */
export type ConfigKind = 'roster' | 'enrolments' | 'timetable' | 'thresholds' | 'decisions';
export const CONFIG_KINDS: readonly ConfigKind[] = [
  'roster',
  'enrolments',
  'timetable',
  'thresholds',
  'decisions',
];

const ID = /^[A-Za-z0-9_-]+$/;

export function isTopicId(s: string): boolean {
  return ID.test(s);
}

export function gatewayTopic(site: string, gatewayId: string, leaf: GatewayLeaf): string {
  return `${TOPIC_ROOT}/${site}/${gatewayId}/${leaf}`;
}

export function configTopic(site: string, kind: ConfigKind): string {
  return `${TOPIC_ROOT}/${site}/config/${kind}`;
}

/**
 * The configuration of one gateway alone: `hallgate/v1/<site>/<gateway>/config/<kind>`
 * (what the centre publishes: its halls' sessions and their students). Six
 * levels, so the aggregator's `+/+/<leaf>` filters never match it. A gateway
 * listens to this and to the site-wide topic; versions of a kind are one
 * sequence, so whichever is newer wins.
 */
export function gatewayConfigTopic(site: string, gatewayId: string, kind: ConfigKind): string {
  return `${TOPIC_ROOT}/${site}/${gatewayId}/config/${kind}`;
}

/** What the aggregator subscribes to for one leaf across every site and gateway. */
export function allGatewaysFilter(leaf: GatewayLeaf): string {
  return `${TOPIC_ROOT}/+/+/${leaf}`;
}

/** MQTT 5 shared subscription: the broker hands each message to one member of the group. */
export function sharedFilter(group: string, filter: string): string {
  return `$share/${group}/${filter}`;
}

export interface ParsedGatewayTopic {
  site: string;
  gatewayId: string;
  leaf: GatewayLeaf;
}

export function parseGatewayTopic(topic: string): ParsedGatewayTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return null;
  const [, , site, gatewayId, leaf] = parts as [string, string, string, string, string];
  if (!ID.test(site) || !ID.test(gatewayId) || gatewayId === 'config') return null;
  if (leaf !== 'batch' && leaf !== 'ack' && leaf !== 'status' && leaf !== 'heartbeat') return null;
  return { site, gatewayId, leaf };
}
