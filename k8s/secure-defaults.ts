/**
 * The security settings every gigascale container and pod gets, in one place (STYLE: secure defaults once): non-root
 * with a numeric UID (so `runAsNonRoot` can verify it), read-only root filesystem, no privilege escalation, every
 * capability dropped, seccomp RuntimeDefault. A workload that needs a writable path mounts an emptyDir there.
 */
import * as kplus from 'cdk8s-plus-33';

/** UID/GID of the `node` user of the node:20 images, which gigascale's own images run as. */
export const APP_UID = 1000;

export function containerSecurity(uid: number = APP_UID): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: uid,
    group: uid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

export function podSecurity(uid: number = APP_UID): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user: uid, group: uid, fsGroup: uid };
}

/** Labels every gigascale object carries; `app.kubernetes.io/name` selects a workload's pods. */
export function workloadLabels(name: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': 'gigascale' };
}
