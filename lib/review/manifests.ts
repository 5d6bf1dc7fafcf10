/**
 * The rendered Kubernetes manifests of one stage (`<outdir>/k8s/<stage>/<chart>.yaml`), base -> head: objects
 * added, removed and changed, each changed one with a unified diff of its YAML. Objects are matched by kind,
 * namespace and name, so an object that moves to another chart file is a change, not a removal and an addition.
 */
import { parseAllDocuments } from 'yaml';
import { isRecord } from '../util/json';
import { unifiedDiff } from './unified-diff';

export interface ManifestChangeJson {
  /** `<kind> <namespace>/<name>`, or `<kind> <name>` for a cluster-scoped object. */
  readonly object: string;
  /** The chart file that holds it (the head's, for a change). */
  readonly file: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Changed objects: the unified diff of their YAML. */
  readonly diff?: string;
}

interface ManifestObject {
  readonly file: string;
  readonly yaml: string;
}

/** Every object of a stage's chart files, by `<kind> <namespace>/<name>`. */
export function manifestObjects(files: ReadonlyMap<string, string>): Map<string, ManifestObject> {
  const out = new Map<string, ManifestObject>();
  for (const [file, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    parseAllDocuments(text).forEach((doc, i) => {
      const value = doc.toJS() as unknown;
      if (value === null || value === undefined) return;
      const meta = isRecord(value) && isRecord(value.metadata) ? value.metadata : {};
      const kind = isRecord(value) && typeof value.kind === 'string' ? value.kind : 'Object';
      const name = typeof meta.name === 'string' ? meta.name : `${file}#${i}`;
      const key = `${kind} ${typeof meta.namespace === 'string' ? `${meta.namespace}/` : ''}${name}`;
      out.set(key, { file, yaml: doc.toString() });
    });
  }
  return out;
}

export function reviewManifests(stage: string, base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): ManifestChangeJson[] {
  const before = manifestObjects(base);
  const after = manifestObjects(head);
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: ManifestChangeJson[] = [];
  for (const object of keys) {
    const b = before.get(object);
    const a = after.get(object);
    if (!b) out.push({ object, file: a!.file, change: 'added' });
    else if (!a) out.push({ object, file: b.file, change: 'removed' });
    else if (a.yaml !== b.yaml || a.file !== b.file) {
      out.push({ object, file: a.file, change: 'changed', diff: unifiedDiff(`base/k8s/${stage}/${b.file}`, `head/k8s/${stage}/${a.file}`, b.yaml, a.yaml) });
    }
  }
  return out;
}
