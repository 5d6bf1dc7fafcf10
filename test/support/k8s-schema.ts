/**
 * Schema validation of rendered Kubernetes objects, for tests: `validateK8sObject(obj)` lists what the API server
 * would refuse, as `<kind>/<name>: <path> <message>`, and an empty list when the object is fine.
 *
 * - Built-in kinds: kubernetes-models 4.5.1, generated from the Kubernetes 1.33 OpenAPI schema
 *   (lib/facts/kubernetes.ts says why 1.33). Its compiled validators, like the OpenAPI schema, accept unknown
 *   fields, while `kubectl apply` (strict field validation, the default since 1.27) refuses them. So the object is
 *   validated through a Proxy that records which properties the validator reads: a compiled validator reads every
 *   declared property of an object it knows (`data.x === undefined`) and enumerates the keys of a map
 *   (`additionalProperties`), so a key it never read, on an object whose properties it did read, is a field the
 *   schema does not have. An object it neither reads nor enumerates (a free-form value) is not judged.
 * - CRDs: the openAPIV3Schema of test/fixtures/crds/<group>_<kind>.json, copied from the project that owns the CRD
 *   (the Karpenter and KEDA ones written by hand from their v1.11 and 2.21 references, for the fields gigascale sets),
 *   checked with ajv. The API server prunes (or, strictly, refuses) fields a structural schema does not declare, so
 *   every object schema without `x-kubernetes-preserve-unknown-fields` or `additionalProperties` gets
 *   `additionalProperties: false`; the root `metadata` stays open and is checked by the generic rules below.
 * - Generic rules on every object: the name rule of its kind, `metadata.namespace` exactly on namespace-scoped kinds,
 *   label and annotation keys and values, `matchLabels`, and container images (a tag or a digest, never latest).
 *
 * An apiVersion/kind with no schema here is a problem, never a pass: add its model to BUILT_IN or its CRD fixture.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../../lib/facts/kubernetes';
import { imageProblem } from '../../lib/facts/images';
import targetGroupBinding from '../fixtures/crds/elbv2.k8s.aws_TargetGroupBinding.json';
import secretProviderClass from '../fixtures/crds/secrets-store.csi.x-k8s.io_SecretProviderClass.json';
import nodePool from '../fixtures/crds/karpenter.sh_NodePool.json';
import ec2NodeClass from '../fixtures/crds/karpenter.k8s.aws_EC2NodeClass.json';
import scaledObject from '../fixtures/crds/keda.sh_ScaledObject.json';
import triggerAuthentication from '../fixtures/crds/keda.sh_TriggerAuthentication.json';

/**
 * What the API server requires of `metadata.name` (k8s.io/apimachinery validation): most kinds a DNS-1123
 * subdomain; Namespace a DNS-1123 label; Service a DNS-1035 label (a letter first: the name becomes a DNS label and
 * an environment variable prefix); RBAC objects any path segment (`system:controller:x` is a valid ClusterRole).
 */
type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

/** A kubernetes-models class: its prototype's `validate` runs the compiled schema on `this`. */
interface ModelClass {
  readonly prototype: { validate(): void };
}

interface BuiltInKind {
  readonly model: ModelClass;
  readonly namespaced: boolean;
  readonly name: NameRule;
  /** Tighter than the name rule: a Job's name is also the `job-name` label of its pods; a CronJob appends 11 characters. */
  readonly maxNameLength?: number;
}

/** Every built-in kind gigascale renders, by `<apiVersion> <kind>`. */
const BUILT_IN: Readonly<Record<string, BuiltInKind>> = {
  'v1 Namespace': { model: Namespace, namespaced: false, name: 'dns1123-label' },
  'v1 ConfigMap': { model: ConfigMap, namespaced: true, name: 'dns1123-subdomain' },
  'v1 Secret': { model: Secret, namespaced: true, name: 'dns1123-subdomain' },
  'v1 Service': { model: Service, namespaced: true, name: 'dns1035-label' },
  'v1 ServiceAccount': { model: ServiceAccount, namespaced: true, name: 'dns1123-subdomain' },
  'apps/v1 Deployment': { model: Deployment, namespaced: true, name: 'dns1123-subdomain' },
  'batch/v1 Job': { model: Job, namespaced: true, name: 'dns1123-subdomain', maxNameLength: 63 },
  'batch/v1 CronJob': { model: CronJob, namespaced: true, name: 'dns1123-subdomain', maxNameLength: 52 },
  'autoscaling/v2 HorizontalPodAutoscaler': { model: HorizontalPodAutoscaler, namespaced: true, name: 'dns1123-subdomain' },
  'policy/v1 PodDisruptionBudget': { model: PodDisruptionBudget, namespaced: true, name: 'dns1123-subdomain' },
  'networking.k8s.io/v1 NetworkPolicy': { model: NetworkPolicy, namespaced: true, name: 'dns1123-subdomain' },
  'rbac.authorization.k8s.io/v1 Role': { model: Role, namespaced: true, name: 'path-segment' },
  'rbac.authorization.k8s.io/v1 RoleBinding': { model: RoleBinding, namespaced: true, name: 'path-segment' },
  'rbac.authorization.k8s.io/v1 ClusterRole': { model: ClusterRole, namespaced: false, name: 'path-segment' },
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': { model: ClusterRoleBinding, namespaced: false, name: 'path-segment' },
};

/**
 * The shape of a test/fixtures/crds file: one served version of a CRD, with where it was copied from, or, for a
 * schema written by hand for the fields gigascale uses, the reference and release it was written from.
 */
interface CrdFixture {
  readonly source:
    | { readonly repo: string; readonly path: string; readonly commit: string }
    | { readonly reference: string; readonly release: string; readonly written: string };
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  readonly scope: string;
  readonly schema: object;
}

const CRD_FIXTURES: readonly CrdFixture[] = [targetGroupBinding, secretProviderClass, nodePool, ec2NodeClass, scaledObject, triggerAuthentication];

type Path = readonly (string | number)[];

interface Problem {
  readonly path: Path;
  readonly message: string;
}

/**
 * The problems the API server (with strict field validation) would report for one rendered object, as
 * `<kind>/<metadata.name>: <path> <message>`; empty when it is valid.
 */
export function validateK8sObject(obj: unknown): string[] {
  const subject = `${stringField(obj, 'kind', '<no kind>')}/${stringField(isRecord(obj) ? obj.metadata : undefined, 'name', '<no name>')}`;
  if (!isRecord(obj)) return [`${subject}: must be an object, got ${JSON.stringify(obj)}`];
  // A JSON copy: what kubectl sends, and plain (unfrozen) objects the Proxy below may wrap.
  const json = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  const key = `${String(json.apiVersion)} ${String(json.kind)}`;
  const builtIn = BUILT_IN[key];
  const crd = CRDS.get(key);
  let problems: Problem[];
  if (builtIn) {
    problems = [...builtInSchemaProblems(builtIn.model, json), ...genericProblems(json, builtIn)];
  } else if (crd) {
    problems = [...crdSchemaProblems(crd.validate, json), ...genericProblems(json, crd)];
  } else {
    return [`${subject}: no schema for ${String(json.apiVersion)} ${String(json.kind)}; add it to test/support/k8s-schema.ts`];
  }
  const lines = problems.map((p) => `${subject}: ${p.path.length ? `${formatPath(p.path)} ` : ''}${p.message}`);
  return [...new Set(lines)];
}

/** The problems of every object of a manifest (e.g. `Testing.synth(chart)`), in order. */
export function validateK8sObjects(objs: readonly unknown[]): string[] {
  return objs.flatMap(validateK8sObject);
}

// ---------------------------------------------------------------------------------------------------------------
// Built-in kinds: kubernetes-models, plus unknown fields found by watching what its validator reads.

interface Visit {
  readonly path: Path;
  readonly target: object;
  readonly read: Set<string>;
  enumerated: boolean;
}

function builtInSchemaProblems(model: ModelClass, json: Record<string, unknown>): Problem[] {
  const visits = new Map<string, Visit>();
  const problems: Problem[] = [];
  try {
    model.prototype.validate.call(observed(json, [], visits));
  } catch (err) {
    const errors = (err as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) throw err;
    problems.push(...(errors as ErrorObject[]).map(ajvProblem));
  }
  for (const visit of visits.values()) {
    if (Array.isArray(visit.target) || visit.enumerated || visit.read.size === 0) continue;
    for (const field of Object.keys(visit.target)) {
      if (!visit.read.has(field)) problems.push({ path: [...visit.path, field], message: 'unknown field (not in the Kubernetes 1.33 schema)' });
    }
  }
  return problems;
}

/** `value` behind a Proxy that records, per path, the properties read and whether its keys were enumerated. */
function observed(value: unknown, path: Path, visits: Map<string, Visit>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const id = JSON.stringify(path);
  let visit = visits.get(id);
  if (!visit) {
    visit = { path, target: value, read: new Set(), enumerated: false };
    visits.set(id, visit);
  }
  const record = visit;
  return new Proxy(value, {
    get(target, prop, receiver) {
      const result: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !Object.hasOwn(target, prop)) return result;
      record.read.add(prop);
      return observed(result, [...path, Array.isArray(target) ? Number(prop) : prop], visits);
    },
    has(target, prop) {
      if (typeof prop === 'string') record.read.add(prop);
      return Reflect.has(target, prop);
    },
    ownKeys(target) {
      record.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// CRDs: ajv over the fixture's openAPIV3Schema, closed where the API server would prune.

interface CrdKind {
  readonly validate: ValidateFunction;
  readonly namespaced: boolean;
  readonly name: NameRule;
}

const AJV = new Ajv({
  strict: false,
  allErrors: true,
  // A warning would be a format or keyword ajv silently ignores: fail instead, so the gap gets fixed here.
  logger: {
    log: () => undefined,
    warn: (...args: unknown[]) => {
      throw new Error(`ajv: ${args.join(' ')}`);
    },
    error: (...args: unknown[]) => {
      throw new Error(`ajv: ${args.join(' ')}`);
    },
  },
});
// The OpenAPI integer formats controller-gen emits.
AJV.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
AJV.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });

const CRDS: ReadonlyMap<string, CrdKind> = new Map(
  CRD_FIXTURES.map((f) => [
    `${f.group}/${f.version} ${f.kind}`,
    { validate: AJV.compile(structural(f.schema, true) as object), namespaced: f.scope === 'Namespaced', name: 'dns1123-subdomain' as const },
  ]),
);

/**
 * A copy of a CRD schema that refuses what the API server would prune: `additionalProperties: false` on every object
 * schema that declares no `additionalProperties` and no `x-kubernetes-preserve-unknown-fields`. `anyOf`/`allOf`/`oneOf`
 * branches are left alone (a structural schema declares its fields outside them), and so is the root `metadata`.
 */
function structural(schema: unknown, root = false): unknown {
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = { ...schema };
  if (isRecord(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, root && k === 'metadata' ? v : structural(v)]),
    );
  }
  if (schema.items !== undefined) out.items = structural(schema.items);
  if (isRecord(schema.additionalProperties)) out.additionalProperties = structural(schema.additionalProperties);
  const isObject = schema.type === 'object' || schema.properties !== undefined;
  if (isObject && schema.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  if (schema['x-kubernetes-int-or-string'] === true && schema.anyOf === undefined) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}

function crdSchemaProblems(validate: ValidateFunction, json: Record<string, unknown>): Problem[] {
  return validate(json) ? [] : (validate.errors ?? []).map(ajvProblem);
}

function ajvProblem(e: ErrorObject): Problem {
  const path = pointerPath(e.instancePath);
  if (e.keyword === 'additionalProperties') {
    return { path: [...path, String(e.params.additionalProperty)], message: 'unknown field (not in the schema)' };
  }
  const allowed = e.keyword === 'enum' ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
  return { path, message: `${e.message ?? e.keyword}${allowed}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Generic rules on every object.

/** DNS-1035 label: a Service name (validation.IsDNS1035Label). */
const DNS1035_LABEL = /^(?=.{1,63}$)[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** The name part of a label or annotation key, and the whole of a label value when non-empty (validation.IsQualifiedName). */
const QUALIFIED_NAME_PART = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
/** apimachinery TotalAnnotationSizeLimitB: keys plus values of one object's annotations. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

const NAME_RULES: Readonly<Record<NameRule, { readonly test: (name: string) => boolean; readonly allowed: string }>> = {
  'dns1123-subdomain': {
    test: (n) => DNS_SUBDOMAIN.test(n),
    allowed: "a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.', starting and ending alphanumeric, at most 253 characters)",
  },
  'dns1123-label': {
    test: (n) => DNS_LABEL.test(n),
    allowed: "a DNS-1123 label (lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63 characters)",
  },
  'dns1035-label': {
    test: (n) => DNS1035_LABEL.test(n),
    allowed: "a DNS-1035 label (lower-case alphanumerics and '-', starting with a letter, ending alphanumeric, at most 63 characters)",
  },
  'path-segment': {
    test: (n) => n !== '' && n !== '.' && n !== '..' && !/[/%]/.test(n),
    allowed: "a path segment (not empty, '.' or '..', without '/' or '%')",
  },
};

function genericProblems(
  json: Record<string, unknown>,
  kind: { readonly namespaced: boolean; readonly name: NameRule; readonly maxNameLength?: number },
): Problem[] {
  const problems: Problem[] = [];
  const metadata = json.metadata;
  if (!isRecord(metadata)) return [{ path: ['metadata'], message: 'is required' }];

  const name = metadata.name;
  const rule = NAME_RULES[kind.name];
  if (typeof name !== 'string') {
    problems.push({ path: ['metadata', 'name'], message: 'is required' });
  } else if (!rule.test(name)) {
    problems.push({ path: ['metadata', 'name'], message: `must be ${rule.allowed}, got ${JSON.stringify(name)}` });
  } else if (kind.maxNameLength !== undefined && name.length > kind.maxNameLength) {
    problems.push({ path: ['metadata', 'name'], message: `must be at most ${kind.maxNameLength} characters for a ${String(json.kind)}, got ${name.length}` });
  }

  const namespace = metadata.namespace;
  if (kind.namespaced && namespace === undefined) {
    problems.push({ path: ['metadata', 'namespace'], message: `is required: ${String(json.kind)} is namespace-scoped (a manifest without one lands in whatever namespace kubectl defaults to)` });
  } else if (kind.namespaced && (typeof namespace !== 'string' || !DNS_LABEL.test(namespace))) {
    problems.push({ path: ['metadata', 'namespace'], message: `must be ${NAME_RULES['dns1123-label'].allowed}, got ${JSON.stringify(namespace)}` });
  } else if (!kind.namespaced && namespace !== undefined) {
    problems.push({ path: ['metadata', 'namespace'], message: `must not be set: ${String(json.kind)} is cluster-scoped, got ${JSON.stringify(namespace)}` });
  }

  walk(json, [], (value, path) => {
    const last = path[path.length - 1];
    if (last === 'metadata' && isRecord(value)) problems.push(...metadataProblems(value, path));
    if (last === 'matchLabels' && isRecord(value)) problems.push(...labelProblems(value, path));
    if (typeof last === 'string' && CONTAINER_LISTS.has(last) && Array.isArray(value)) {
      value.forEach((container, i) => {
        if (isRecord(container) && typeof container.image === 'string') {
          const problem = imageProblem(container.image);
          if (problem) problems.push({ path: [...path, i, 'image'], message: problem });
        }
      });
    }
  });
  return problems;
}

function metadataProblems(metadata: Record<string, unknown>, path: Path): Problem[] {
  const problems: Problem[] = [];
  if (isRecord(metadata.labels)) problems.push(...labelProblems(metadata.labels, [...path, 'labels']));
  if (isRecord(metadata.annotations)) {
    let bytes = 0;
    for (const [key, value] of Object.entries(metadata.annotations)) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) problems.push({ path: [...path, 'annotations', key], message: `key ${keyProblem}` });
      if (typeof value !== 'string') problems.push({ path: [...path, 'annotations', key], message: `must be a string, got ${JSON.stringify(value)}` });
      bytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
    }
    if (bytes > ANNOTATIONS_MAX_BYTES) {
      problems.push({ path: [...path, 'annotations'], message: `must total at most ${ANNOTATIONS_MAX_BYTES} bytes, got ${bytes}` });
    }
  }
  return problems;
}

function labelProblems(labels: Record<string, unknown>, path: Path): Problem[] {
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) problems.push({ path: [...path, key], message: `key ${keyProblem}` });
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      problems.push({
        path: [...path, key],
        message: `must be a label value (at most 63 characters: alphanumerics, '-', '_' and '.', starting and ending alphanumeric, or empty), got ${JSON.stringify(value)}`,
      });
    }
  }
  return problems;
}

/** Why a label or annotation key is not `[prefix/]name` (prefix a DNS-1123 subdomain, name a qualified name), if it is not. */
function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const ok = (prefix === undefined || DNS_SUBDOMAIN.test(prefix)) && QUALIFIED_NAME_PART.test(name);
  if (ok) return undefined;
  return `must be [prefix/]name with prefix a DNS-1123 subdomain and name at most 63 characters of alphanumerics, '-', '_' and '.' (alphanumeric at both ends), got ${JSON.stringify(key)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers.

function walk(value: unknown, path: Path, visit: (value: unknown, path: Path) => void): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(value: unknown, field: string, fallback: string): string {
  return isRecord(value) && typeof value[field] === 'string' ? value[field] : fallback;
}

/** `/spec/ports/0/port` (an ajv instancePath, a JSON pointer) as segments. */
function pointerPath(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** `spec.template.spec.containers[0].ports[0].containerPort`, with keys that are not identifiers quoted: `labels["app.kubernetes.io/name"]`. */
function formatPath(path: Path): string {
  return path
    .map((seg, i) => {
      if (typeof seg === 'number') return `[${seg}]`;
      if (/^[A-Za-z_$][\w$-]*$/.test(seg)) return i === 0 ? seg : `.${seg}`;
      return `[${JSON.stringify(seg)}]`;
    })
    .join('');
}
