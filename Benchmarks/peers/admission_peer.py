"""The admission benchmark's peer: the same ValidatingAdmissionPolicies over the same
objects, evaluated with Google's C++ CEL (cel-cpp, PyPI cel-expr-python) and the policy
machinery done in plain Python.

Reads SET_JSON, written by Benchmarks/Sources/AdmissionBench: `configuration` (the
policies, bindings, parameter ConfigMaps and Namespaces, deduplicated as Mooring's
AdmissionObjectSet holds them) and `requests` (operation, object, oldObject). Then, as
kube-apiserver's validating admission policy plugin (and Mooring's AdmissionChain) does,
for every request and every policy in name order: matchConstraints (namespaceSelector,
objectSelector, excludeResourceRules, resourceRules with Equivalent versions), each
binding in name order (matchResources narrowing, paramRef by name or selector with
parameterNotFoundAction), matchConditions, variables, validations with message /
messageExpression / reason, auditAnnotations, failurePolicy, and validationActions
(Deny, Warn, Audit).

The CEL: every expression is compiled once, per policy, with cel-cpp's strings
extension; `object`, `oldObject`, `request`, `params`, `namespaceObject` and
`variables.<name>` are declared dyn. cel-cpp has none of Kubernetes' libraries, so the
two the policies use are Python functions here: quantity() (a quantity as its integer
milli-value, with int.compareTo) and url()/isURL()/getScheme()/getHostname() (Go's
url.ParseRequestURI, for the URLs the generator writes). An Activation converts a
Python value to CEL the first time an expression reads it; one Activation of the fixed
variables (object, oldObject, request, params, namespaceObject) is shared by every
policy and binding of a request with the same params, so `object` is converted once per
request and params. cel-cpp has no lazy variables: the variables an evaluation needs are
computed in dependency waves, the first in the shared Activation, each later one in an
Activation of its own, and the validations run in an Activation holding them all (which
converts `object` again only if they read it).

Writes OUT_JSONL (one line per request: denial messages, warnings, policies applied, in
Mooring's wording) and prints one JSON object: objects, compile_seconds, rounds,
seconds (best round), per_s, denied, denials, warnings, applied, by_policy.

usage: admission_peer.py SET_JSON OUT_JSONL [ROUNDS]
"""
import functools
import json
import re
import sys
import time
from fractions import Fraction

from cel_expr_python import cel
from cel_expr_python.ext import ext_strings

DYN = cel.Type.DYN
ERROR = cel.Type.ERROR

# -- kinds: Mooring's built-in table, for the kinds the benchmark uses ------------------

KINDS = {
    ("", "Pod"): ("pods", True, ["v1"]),
    ("", "Service"): ("services", True, ["v1"]),
    ("", "ConfigMap"): ("configmaps", True, ["v1"]),
    ("", "Secret"): ("secrets", True, ["v1"]),
    ("", "Namespace"): ("namespaces", False, ["v1"]),
    ("apps", "Deployment"): ("deployments", True, ["v1"]),
    ("apps", "StatefulSet"): ("statefulsets", True, ["v1"]),
    ("apps", "DaemonSet"): ("daemonsets", True, ["v1"]),
    ("batch", "Job"): ("jobs", True, ["v1"]),
    ("networking.k8s.io", "Ingress"): ("ingresses", True, ["v1"]),
    ("gitops.mooring.dev", "GitRepository"): ("gitrepositories", True, ["v1alpha1"]),
    ("gitops.mooring.dev", "Sync"): ("syncs", True, ["v1alpha1"]),
    ("resourcemanager.mooring.dev", "Organization"): ("organizations", False, ["v1alpha1"]),
    ("resourcemanager.mooring.dev", "Project"): ("projects", True, ["v1alpha1"]),
}


def guess_resource(kind):
    s = kind.lower()
    if s.endswith("s"):
        return s + "es"
    if s.endswith("y"):
        return s[:-1] + "ies"
    return s + "s"


def mapping(group, kind):
    return KINDS.get((group, kind)) or (guess_resource(kind), True, [])


def group_version(api_version):
    if "/" in api_version:
        g, v = api_version.split("/", 1)
        return g, v
    return "", api_version


# -- Kubernetes' CEL libraries the policies use, as Python functions --------------------

SUFFIXES = {
    "": 1, "m": Fraction(1, 1000), "u": Fraction(1, 10**6), "n": Fraction(1, 10**9),
    "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
}
QUANTITY = re.compile(r"^([+-]?)([0-9]*\.?[0-9]*)(|[numkMGTPE]|[KMGTPE]i|[eE][+-]?[0-9]+)$")


@functools.lru_cache(maxsize=4096)
def quantity(s):
    """A Kubernetes quantity as its milli-value (rounded up, as Quantity.MilliValue);
    memoized, as the same few quantities come back all the time."""
    m = QUANTITY.match(s)
    if not m or m.group(2) in ("", "."):
        raise ValueError(f"quantities must match the regular expression: {s}")
    number = Fraction(m.group(2))
    suffix = m.group(3)
    factor = Fraction(10) ** int(suffix[1:]) if suffix[:1] in ("e", "E") else SUFFIXES[suffix]
    milli = number * factor * 1000
    value = -(-milli.numerator // milli.denominator)
    return -value if m.group(1) == "-" else value


def compare_to(a, b):
    return (a > b) - (a < b)


def go_scheme(s):
    """Go's url.getScheme: (scheme, rest), or None for a missing scheme before ':'."""
    for i, c in enumerate(s):
        if c.isascii() and c.isalpha():
            continue
        if c.isdigit() or c in "+-.":
            if i == 0:
                return "", s
            continue
        if c == ":":
            if i == 0:
                return None
            return s[:i], s[i + 1:]
        return "", s
    return "", s


@functools.lru_cache(maxsize=4096)
def request_uri(s):
    """Go's url.ParseRequestURI as far as the benchmark needs: (scheme, host) or None."""
    parsed = go_scheme(s)
    if parsed is None or s == "":
        return None
    scheme, rest = parsed
    scheme = scheme.lower()
    rest = rest.split("?", 1)[0]
    if not rest.startswith("/"):
        return (scheme, "") if scheme else None
    host = ""
    if scheme and rest.startswith("//"):
        authority = rest[2:].split("/", 1)[0]
        host = authority.rsplit("@", 1)[-1]
        if any(c in host for c in " \t\n"):
            return None
    return scheme, host


def is_url(s):
    return request_uri(s) is not None


def url(s):
    if request_uri(s) is None:
        raise ValueError(f"URL parse error during conversion from string: {s}")
    return s


def get_scheme(u):
    return request_uri(u)[0]


def get_hostname(u):
    host = request_uri(u)[1]
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    h, sep, port = host.rpartition(":")
    return h if sep and port.isdigit() else host


def kubernetes_functions():
    S, I, B = cel.Type.STRING, cel.Type.INT, cel.Type.BOOL

    def fn(name, oid, ret, params, impl, member=False):
        return cel.FunctionDecl(
            name, [cel.Overload(oid, return_type=ret, parameters=params, is_member=member,
                                impl=impl)])

    return [
        fn("quantity", "string_to_quantity", I, [S], quantity),
        fn("compareTo", "quantity_compare_to", I, [I, I], compare_to, member=True),
        fn("url", "string_to_url", S, [S], url),
        fn("isURL", "is_url_string", B, [S], is_url),
        fn("getScheme", "url_get_scheme", S, [S], get_scheme, member=True),
        fn("getHostname", "url_get_hostname", S, [S], get_hostname, member=True),
    ]


FUNCTIONS = kubernetes_functions()

# -- selectors and rules ------------------------------------------------------------------


class Selector:
    def __init__(self, spec):
        spec = spec or {}
        self.labels = list((spec.get("matchLabels") or {}).items())
        self.exprs = [(e["key"], e["operator"], set(e.get("values") or []))
                      for e in spec.get("matchExpressions") or []]
        self.everything = not self.labels and not self.exprs

    def matches(self, labels):
        labels = labels or {}
        for k, v in self.labels:
            if labels.get(k) != v:
                return False
        for key, op, values in self.exprs:
            present = key in labels
            if op == "In":
                if not present or labels[key] not in values:
                    return False
            elif op == "NotIn":
                if present and labels[key] in values:
                    return False
            elif op == "Exists":
                if not present:
                    return False
            elif op == "DoesNotExist":
                if present:
                    return False
            else:
                return False
        return True


class Rule:
    def __init__(self, spec):
        self.operations = spec.get("operations") or []
        self.groups = spec.get("apiGroups") or []
        self.versions = spec.get("apiVersions") or []
        self.resources = [(p.split("/", 1) + [""])[:2] for p in spec.get("resources") or []]
        self.names = spec.get("resourceNames") or []
        self.scope = spec.get("scope", "*")

    def covers(self, op, group, version, resource, subresource, namespace):
        if "*" not in self.operations and op not in self.operations:
            return False
        if "*" not in self.groups and group not in self.groups:
            return False
        if "*" not in self.versions and version not in self.versions:
            return False
        if not any((r == "*" or r == resource) and (s == "*" or s == subresource)
                   for r, s in self.resources):
            return False
        is_ns = group == "" and resource == "namespaces"
        if self.scope == "Namespaced":
            return not is_ns and namespace != ""
        if self.scope == "Cluster":
            return is_ns or namespace == ""
        return True


class MatchResources:
    def __init__(self, spec):
        self.namespace_selector = Selector(spec.get("namespaceSelector"))
        self.object_selector = Selector(spec.get("objectSelector"))
        self.rules = [Rule(r) for r in spec.get("resourceRules") or []]
        self.exclude = [Rule(r) for r in spec.get("excludeResourceRules") or []]
        self.equivalent = spec.get("matchPolicy", "Equivalent") == "Equivalent"


# -- one request ----------------------------------------------------------------------------


class Attributes:
    __slots__ = ("op", "object", "old", "group", "version", "kind", "resource", "namespaced",
                 "name", "namespace", "is_namespace")

    def __init__(self, req):
        self.op = req["operation"]
        self.object = req.get("object")
        self.old = req.get("oldObject")
        subject = self.object if self.object is not None else (self.old or {})
        self.group, self.version = group_version(subject.get("apiVersion", ""))
        self.kind = subject.get("kind", "")
        self.resource, self.namespaced, _ = mapping(self.group, self.kind)
        meta = subject.get("metadata") or {}
        self.name = meta.get("name", "")
        ns = meta.get("namespace", "")
        if self.namespaced and not ns:
            ns = "default"
            self.object = with_namespace(self.object, ns)
            self.old = with_namespace(self.old, ns)
        self.is_namespace = self.group == "" and self.kind == "Namespace"
        if self.is_namespace:
            ns = self.name
        self.namespace = ns if self.namespaced or self.is_namespace else ""

    def labels(self, new):
        o = self.object if new else self.old
        return ((o or {}).get("metadata") or {}).get("labels")

    def request_value(self, kind, resource):
        """`request` as CEL sees it, with `kind` and `resource` as matched."""
        g, v, k = kind
        rg, rv, rr = resource
        return {
            "uid": "",
            "kind": {"group": g, "version": v, "kind": k},
            "resource": {"group": rg, "version": rv, "resource": rr},
            "subResource": "",
            "requestKind": {"group": self.group, "version": self.version, "kind": self.kind},
            "requestResource": {"group": self.group, "version": self.version,
                                "resource": self.resource},
            "requestSubResource": "",
            "name": self.name,
            "namespace": self.namespace,
            "operation": self.op,
            "userInfo": {"username": "", "uid": "", "groups": [], "extra": {}},
            "dryRun": False,
            "options": {"apiVersion": "meta.k8s.io/v1",
                        "kind": self.op.capitalize() + "Options"},
        }


def with_namespace(o, ns):
    if o is None:
        return None
    o = dict(o)
    o["metadata"] = dict(o.get("metadata") or {}, namespace=ns)
    return o


class Config:
    def __init__(self, objects):
        self.objects = objects
        self.by_kind = {}  # params candidates, filled as bindings ask
        self.namespaces = {}
        for o in objects:
            if o.get("apiVersion") == "v1" and o.get("kind") == "Namespace":
                self.namespaces.setdefault(o["metadata"]["name"], o)
        self.policies = sorted(
            (Policy(o) for o in objects if o.get("kind") == "ValidatingAdmissionPolicy"),
            key=lambda p: p.name)
        bindings = {}
        for o in objects:
            if o.get("kind") == "ValidatingAdmissionPolicyBinding":
                b = Binding(o)
                bindings.setdefault(b.policy, []).append(b)
        for p in self.policies:
            p.bindings = sorted(bindings.get(p.name, []), key=lambda b: b.name)

    def params(self, api_version, kind, namespace):
        """Objects of that kind (in that namespace unless None), in configuration order."""
        key = (group_version(api_version)[0], kind, namespace)
        found = self.by_kind.get(key)
        if found is None:
            found = self.by_kind[key] = [
                o for o in self.objects
                if o.get("kind") == kind and group_version(o.get("apiVersion", ""))[0] == key[0]
                and (namespace is None
                     or (o.get("metadata") or {}).get("namespace", "") == namespace)]
        return found

    def matches(self, criteria, a, empty_rules_match):
        """None (no match), ("error", message) or (kind, resource) as matched."""
        ns_error = None
        sel = criteria.namespace_selector
        if not (a.namespace == "" and not a.is_namespace) and not sel.everything:
            if a.is_namespace:
                labels = a.labels(a.op != "DELETE")
                if labels is None:
                    labels = a.labels(False)
                if not sel.matches(labels):
                    return None
            else:
                ns = self.namespaces.get(a.namespace)
                if ns is None:
                    ns_error = f'namespaces "{a.namespace}" not found'
                elif not sel.matches(ns["metadata"].get("labels")):
                    return None
        osel = criteria.object_selector
        if not osel.everything:
            if not ((a.object is not None and osel.matches(a.labels(True)))
                    or (a.old is not None and osel.matches(a.labels(False)))):
                return None
        if self.match_rules(criteria.exclude, criteria.equivalent, a) is not None:
            return None
        if not criteria.rules:
            if not empty_rules_match:
                return None
            matched = ((a.group, a.version, a.kind), (a.group, a.version, a.resource))
        else:
            matched = self.match_rules(criteria.rules, criteria.equivalent, a)
            if matched is None:
                return None
        if ns_error:
            return ("error", ns_error)
        return matched

    def match_rules(self, rules, equivalent, a):
        named = [r for r in rules if not r.names or a.name in r.names]
        for r in named:
            if r.covers(a.op, a.group, a.version, a.resource, "", a.namespace):
                return (a.group, a.version, a.kind), (a.group, a.version, a.resource)
        if not equivalent:
            return None
        for v in mapping(a.group, a.kind)[2]:
            if v == a.version:
                continue
            for r in named:
                if r.covers(a.op, a.group, v, a.resource, "", a.namespace):
                    return (a.group, v, a.kind), (a.group, v, a.resource)
        return None


VARIABLE_REF = re.compile(r"\bvariables\.([A-Za-z_][A-Za-z0-9_]*)")


class Policy:
    def __init__(self, o):
        spec = o["spec"]
        self.name = o["metadata"]["name"]
        self.fail = spec.get("failurePolicy", "Fail") == "Fail"
        self.param_kind = spec.get("paramKind")
        self.match = MatchResources(spec.get("matchConstraints") or {})
        variables = spec.get("variables") or []
        declared = {"object": DYN, "oldObject": DYN, "request": DYN, "params": DYN,
                    "namespaceObject": DYN}
        for v in variables:
            declared["variables." + v["name"]] = DYN
        env = cel.NewEnv(variables=declared, extensions=[ext_strings.ExtStrings()],
                         functions=FUNCTIONS)
        self.conditions = [(c["name"], c["expression"], env.compile(c["expression"]))
                           for c in spec.get("matchConditions") or []]
        self.validations = []
        for v in spec.get("validations") or []:
            message_expr = v.get("messageExpression")
            self.validations.append((
                v["expression"], env.compile(v["expression"]), v.get("message"),
                message_expr, env.compile(message_expr) if message_expr else None,
                v.get("reason", "Invalid")))
        self.annotations = [(a["key"], a["valueExpression"], env.compile(a["valueExpression"]))
                            for a in spec.get("auditAnnotations") or []]
        self.env = env
        # Variables in dependency waves: a variable reads only earlier ones.
        self.variables = {v["name"]: (env.compile(v["expression"]),
                                      set(VARIABLE_REF.findall(v["expression"])))
                          for v in variables}
        self.conditions_need = self.closure(c[1] for c in self.conditions)
        self.rest_need = self.closure(
            [v[0] for v in self.validations] + [v[3] for v in self.validations if v[3]]
            + [a[1] for a in self.annotations])
        self.bindings = []

    def closure(self, texts):
        need = set()
        todo = [n for t in texts for n in VARIABLE_REF.findall(t)]
        while todo:
            n = todo.pop()
            if n in need or n not in self.variables:
                continue
            need.add(n)
            todo.extend(self.variables[n][1])
        return need

    def compute(self, base, computed, names, act=None):
        """Evaluates the variables `names` not yet in `computed`, wave by wave (a wave: those
        whose variables are known), one Activation a wave; `act`, when given, is the
        Activation of `base` and `computed` as they are. Returns the Activation of `base`
        and every variable computed, or None when nothing was computed."""
        pending = [n for n in self.variables if n in names and "variables." + n not in computed]
        if not pending:
            return None
        while pending:
            done = set(pending)
            wave = [n for n in pending
                    if not any(d in done for d in self.variables[n][1] if d != n)]
            if act is None:
                act = self.env.Activation({**base, **computed})
            for n in wave:
                r = self.variables[n][0].eval(act)
                if r.type() != ERROR:
                    computed["variables." + n] = r.plain_value()
                # An erroring variable is left out: reading it is then an error too.
            act = None
            pending = [n for n in pending if n not in wave]
        return self.env.Activation({**base, **computed})


class Binding:
    def __init__(self, o):
        spec = o["spec"]
        self.name = o["metadata"]["name"]
        self.policy = spec["policyName"]
        self.actions = spec["validationActions"]
        self.param_ref = spec.get("paramRef")
        mr = spec.get("matchResources")
        self.match = MatchResources(mr) if mr is not None else None
        if self.param_ref and self.param_ref.get("selector") is not None:
            self.param_selector = Selector(self.param_ref["selector"])


def trim(s):
    return s.strip(" \t\n\r\x0b\x0c")


def denial(policy, binding, message):
    if binding is None:
        return f"ValidatingAdmissionPolicy '{policy}' denied request: {message}"
    return (f"ValidatingAdmissionPolicy '{policy}' with binding '{binding}' "
            f"denied request: {message}")


def admit(config, req):
    """(denial messages, warnings, policies applied) for one request."""
    a = Attributes(req)
    denials, warnings, applied = [], [], []
    requests = {}  # `request` by matched kind and resource
    # The Activation of the variables every policy sees, by `request` and `params`: an
    # Activation converts `object` once, whichever policy reads it first.
    activations = {}
    ns_object = None
    if not a.is_namespace and a.namespace:
        ns_object = config.namespaces.get(a.namespace)
    for p in config.policies:
        is_applied = False
        m = config.matches(p.match, a, False)
        if m is None:
            continue
        if m[0] == "error":
            if p.fail:
                denials.append(denial(p.name, None, "failed to configure policy: " + m[1]))
            applied.append(p.name)
            continue
        kind, resource = m
        for b in p.bindings:
            if b.match is not None:
                n = config.matches(b.match, a, True)
                if n is None:
                    continue
                if n[0] == "error":
                    is_applied = True
                    if p.fail:
                        denials.append(
                            denial(p.name, b.name, "failed to configure binding: " + n[1]))
                    continue
            params = collect_params(config, p, b, a)
            if isinstance(params, str):
                is_applied = True
                if p.fail:
                    denials.append(
                        denial(p.name, b.name, "failed to configure binding: " + params))
                continue
            request = requests.get(m)
            if request is None:
                request = requests[m] = a.request_value(kind, resource)
            for param in params:
                key = (id(request), id(param))
                shared = activations.get(key)
                if shared is None:
                    base = {"object": a.object, "oldObject": a.old, "request": request,
                            "params": param, "namespaceObject": ns_object}
                    shared = activations[key] = (base, p.env.Activation(base))
                if evaluate(p, b, shared[0], shared[1], denials, warnings):
                    is_applied = True
        if is_applied:
            applied.append(p.name)
    return denials, warnings, applied


def collect_params(config, p, b, a):
    """The parameter objects, or a configuration error message."""
    ref = b.param_ref
    if not p.param_kind or not ref:
        return [None]
    pk = p.param_kind
    g, _ = group_version(pk["apiVersion"])
    namespace = None
    if mapping(g, pk["kind"])[1]:
        namespace = ref.get("namespace") or (a.namespace or None)
        if namespace is None:
            return ("cannot use namespaced paramRef in policy binding that matches "
                    "cluster-scoped resources")
    elif ref.get("namespace") is not None:
        return "paramRef.namespace must not be provided for a cluster-scoped `paramKind`"
    candidates = config.params(pk["apiVersion"], pk["kind"], namespace)
    if ref.get("name") is not None:
        found = [o for o in candidates if o["metadata"].get("name") == ref["name"]]
    else:
        found = [o for o in candidates
                 if b.param_selector.matches(o["metadata"].get("labels"))]
    if not found and ref.get("parameterNotFoundAction", "Deny") == "Deny":
        return "no params found for policy binding with `Deny` parameterNotFoundAction"
    return found


def failure(text, r):
    return f"expression '{text}' resulted in error: {r.value()}"


def evaluate(p, b, base, shared, denials, warnings):
    """Evaluates policy `p` for one binding and parameter, `shared` being the Activation of
    `base`; False when a match condition is false (the policy does not apply)."""
    computed = {}
    act = shared
    if p.conditions:
        if p.conditions_need:
            act = p.compute(base, computed, p.conditions_need, act) or act
        errors = []
        for name, text, expr in p.conditions:
            r = expr.eval(act)
            v = r.value()
            if v is False:
                return False
            if v is True:
                continue
            if r.type() == ERROR:
                errors.append(failure(text, r))
            else:
                errors.append(f"matchConditions '{name}' evaluated to {r.type().name()}, not bool")
        if errors:
            if p.fail:
                message = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
                deny_all(p, b, [message], denials, warnings)
            return True
    if p.rest_need:
        act = p.compute(base, computed, p.rest_need, act) or act
    failed = []
    for text, expr, message, _, message_expr, reason in p.validations:
        r = expr.eval(act)
        v = r.value()
        if v is True:
            continue
        if r.type() == ERROR:
            if p.fail:
                failed.append(failure(text, r))
            continue
        msg = ""
        if message_expr is not None:
            m = message_expr.eval(act)
            mv = m.value()
            if isinstance(mv, str) and m.type() != ERROR:
                msg = trim(mv)
                if len(msg.encode()) > 5 * 1024 or "\n" in msg:
                    msg = ""
        if not msg and message:
            msg = trim(message)
        if not msg:
            msg = "failed expression: " + trim(text)
        failed.append(msg)
    deny_all(p, b, failed, denials, warnings)
    # Audit annotations that fail deny whatever the binding's actions.
    for key, text, expr in p.annotations:
        r = expr.eval(act)
        t = r.type()
        if t == ERROR:
            if p.fail:
                denials.append(denial(p.name, b.name, failure(text, r)))
        elif t != cel.Type.STRING and t != cel.Type.NULL:
            denials.append(denial(p.name, b.name, (
                f"valueExpression '{text}' resulted in unsupported return type: "
                f"{t.name()}. Return type must be either string or null.")))
    return True


def deny_all(p, b, failed, denials, warnings):
    for message in failed:
        for action in b.actions:
            if action == "Deny":
                denials.append(denial(p.name, b.name, message))
            elif action == "Warn":
                warnings.append(f"Validation failed for ValidatingAdmissionPolicy '{p.name}' "
                                f"with binding '{b.name}': {message}")


def main(set_path, out_path, rounds):
    with open(set_path) as f:
        bench = json.load(f)
    start = time.perf_counter()
    config = Config(bench["configuration"])
    compile_seconds = time.perf_counter() - start
    requests = bench["requests"]

    # One pass that records every outcome (also the warm-up), outside the clock.
    denied = denials = warnings = applied = 0
    by_policy = {}
    with open(out_path, "w") as out:
        for req in requests:
            d, w, a = admit(config, req)
            denied += bool(d)
            denials += len(d)
            warnings += len(w)
            applied += len(a)
            for msg in d:
                name = msg.split("'", 2)[1]
                by_policy[name] = by_policy.get(name, 0) + 1
            out.write(json.dumps({"d": d, "w": w, "a": a}, ensure_ascii=False,
                                 separators=(",", ":")) + "\n")

    best = float("inf")
    for _ in range(max(1, rounds)):
        refused = 0
        t0 = time.perf_counter()
        for req in requests:
            if admit(config, req)[0]:
                refused += 1
        best = min(best, time.perf_counter() - t0)
        assert refused == denied, (refused, denied)

    print(json.dumps({
        "objects": len(requests), "policies": len(config.policies),
        "compile_seconds": compile_seconds, "rounds": max(1, rounds), "seconds": best,
        "per_s": len(requests) / best, "denied": denied, "denials": denials,
        "warnings": warnings, "applied": applied, "by_policy": dict(sorted(by_policy.items())),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
