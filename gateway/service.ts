/** Anything the daemon starts and stops (a camera recogniser, the MQTT uplink, ...). */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
