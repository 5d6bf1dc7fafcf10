/**
 * The HorizontalPodAutoscaler `behavior` every autoscaler of the platform renders (lib/facts/workloads.ts SCALE_UP,
 * SCALE_DOWN), written out as the YAML a reviewer reads, so the chart tests hold the rendering to it.
 */
export const PLATFORM_HPA_BEHAVIOR = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 10, periodSeconds: 60 },
      { type: 'Pods', value: 1, periodSeconds: 60 },
    ],
  },
} as const;
