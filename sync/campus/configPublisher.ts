import type { Clock } from '../../kernel/clock.ts';
import type { Logger } from '../../kernel/log.ts';
import { SCHEMA_VERSION } from '../schema.ts';
import { CONFIG_KINDS, gatewayConfigTopic, type ConfigKind } from '../topics.ts';
import type { CampusStore } from './campusStore.ts';
import { gatewayConfig, type CampusSnapshot } from './gatewayConfig.ts';

/** Where retained configuration messages go (an MQTT client in production). */
export interface RetainedSink {
  publishRetained(topic: string, payload: string): Promise<void>;
}

/**
 * Publishes the campus to the gateways as the versioned, retained
 * configuration their ConfigDownlink applies: per gateway with halls
 * assigned, on `hallgate/v1/<site>/<gateway>/config/<kind>`, only what it
 * needs (gatewayConfig.ts). One new version per kind and publication, shared
 * by every gateway, at least the current epoch ms. Kinds go roster first, so
 * a gateway knows the students before their enrolments.
 */
export class CampusConfigPublisher {
  private readonly log: Logger;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { campus: CampusStore; sink: RetainedSink; clock: Clock; log: Logger }) {
    this.log = deps.log.child({ module: 'config-publisher' });
  }

  /** Publishes the given kinds (one at a time across calls, in call order). */
  publish(kinds: readonly ConfigKind[]): Promise<void> {
    const run = this.chain.then(() => this.publishNow(kinds));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async publishNow(kinds: readonly ConfigKind[]): Promise<void> {
    const gateways = (await this.deps.campus.gateways()).filter((g) => g.hallIds.length > 0);
    if (gateways.length === 0) return;
    const { campus } = this.deps;
    const snapshot: CampusSnapshot = {
      sessions: await campus.allSessions(),
      enrolments: await campus.enrolments(),
      students: await campus.students({ limit: Number.MAX_SAFE_INTEGER }),
      siteThresholds: await campus.siteThresholds(),
      courseThresholds: Object.fromEntries((await campus.courses()).map((c) => [c.courseId, c.thresholds])),
      decisions: await campus.decisions(),
      excuses: await campus.excuses(),
    };
    for (const kind of CONFIG_KINDS.filter((k) => kinds.includes(k))) {
      const version = await campus.nextConfigVersion(kind, this.deps.clock.now());
      for (const g of gateways) {
        const payload = JSON.stringify({
          schemaVersion: SCHEMA_VERSION,
          version,
          issuedAt: this.deps.clock.now(),
          kind,
          data: gatewayConfig(kind, g, snapshot),
        });
        await this.deps.sink.publishRetained(gatewayConfigTopic(g.site, g.gatewayId, kind), payload);
      }
      this.log.info({ kind, version, gateways: gateways.length }, 'configuration published');
    }
  }
}
