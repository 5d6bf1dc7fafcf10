/**
 * MSK broker types gigascale allows (Graviton m7g only), with the figures the bus sizing uses.
 *
 * Sources:
 * - Express: AWS MSK Developer Guide, "Amazon MSK Express broker quota": sustained (recommended) ingress per broker,
 *   partitions per broker including replicas, and 15 MB/s at most per partition. Replication factor 3 and
 *   min.insync.replicas 2 are fixed on Express, which runs in exactly three AZs.
 * - Standard: AWS states kafka.m7g.16xlarge "safely handling 154 MBps ingress" (Express launch post, 2024-11). The
 *   smaller sizes here scale that figure by vCPU (stated assumption, conservative for small brokers). Partitions per
 *   broker including replicas from the MSK best practices ("Right-size your cluster").
 */

export interface BrokerType {
  /** Express brokers: managed storage, fixed RF 3 / min ISR 2, three AZs. */
  readonly express: boolean;
  readonly vcpus: number;
  /** Client ingress one broker sustains, MB/s (10^6 bytes). */
  readonly ingressMBps: number;
  /** Partition replicas per broker (leaders and followers). */
  readonly partitionsPerBroker: number;
}

const EXPRESS: Record<string, [vcpus: number, ingressMBps: number, partitions: number]> = {
  'express.m7g.large': [2, 15.6, 1000],
  'express.m7g.xlarge': [4, 31.2, 1000],
  'express.m7g.2xlarge': [8, 62.5, 2500],
  'express.m7g.4xlarge': [16, 124.9, 6000],
  'express.m7g.8xlarge': [32, 250, 12000],
  'express.m7g.12xlarge': [48, 375, 16000],
  'express.m7g.16xlarge': [64, 500, 20000],
};

/** AWS's published safe ingress of a Standard kafka.m7g.16xlarge (64 vCPUs), MB/s. */
const STANDARD_16XL_INGRESS_MBPS = 154;

const STANDARD: Record<string, [vcpus: number, partitions: number]> = {
  'kafka.m7g.large': [2, 1000],
  'kafka.m7g.xlarge': [4, 1000],
  'kafka.m7g.2xlarge': [8, 2000],
  'kafka.m7g.4xlarge': [16, 4000],
  'kafka.m7g.8xlarge': [32, 4000],
  'kafka.m7g.12xlarge': [48, 4000],
  'kafka.m7g.16xlarge': [64, 4000],
};

export const BROKER_TYPES: Readonly<Record<string, BrokerType>> = Object.freeze({
  ...Object.fromEntries(
    Object.entries(EXPRESS).map(([name, [vcpus, ingressMBps, partitionsPerBroker]]) => [name, { express: true, vcpus, ingressMBps, partitionsPerBroker }]),
  ),
  ...Object.fromEntries(
    Object.entries(STANDARD).map(([name, [vcpus, partitionsPerBroker]]) => [
      name,
      { express: false, vcpus, ingressMBps: Math.round(((STANDARD_16XL_INGRESS_MBPS * vcpus) / 64) * 10) / 10, partitionsPerBroker },
    ]),
  ),
});

export const BROKER_TYPE_NAMES: readonly string[] = Object.keys(BROKER_TYPES).sort();

/** Most a partition takes on Express brokers, MB/s (AWS quota); the same bound is applied to Standard brokers. */
export const MAX_PARTITION_MBPS = 15;

/** Kafka version per broker kind, pinned. Express runs 3.6 and 3.8; Standard 3.9 is KRaft-only. */
export const KAFKA_VERSION = { express: '3.8.x', standard: '3.9.x' } as const;

/** MSK limits of a Standard broker's EBS volume, GiB. */
export const MIN_BROKER_STORAGE_GIB = 1;
export const MAX_BROKER_STORAGE_GIB = 16_384;

/** Replication factor and min.insync.replicas of every topic (Express's fixed values; set explicitly on Standard). */
export const REPLICATION_FACTOR = 3;
export const MIN_INSYNC_REPLICAS = 2;
