import Admission
import Objects

// The objects admitted: a deterministic mix of the kinds the 20 policies cover (and a few
// they do not), most of them valid, some violating one policy or another, as a platform
// sees them in a day of pushes. The same seed always gives the same objects.

/// SplitMix64: small, fast, and the same on every platform.
struct Rng {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

  mutating func hex(_ count: Int) -> String {
    let digits = Array("0123456789abcdef")
    return String((0..<count).map { _ in digits[below(16)] })
  }
}

/// One request to admit.
struct BenchRequest {
  var operation: AdmissionOperation
  var object: Value
  var oldObject: Value?

  var json: Value {
    var m = ValueMap()
    m["operation"] = .string(operation.rawValue)
    m["object"] = object
    if let oldObject { m["oldObject"] = oldObject }
    return .map(m)
  }
}

private func map(_ pairs: (String, Value)...) -> Value { .map(ValueMap(pairs)) }
private func str(_ s: String) -> Value { .string(s) }

/// Generates `count` requests from `seed`.
struct Workload {
  private var r: Rng
  private let workloadNamespaces = [
    "shop-prod", "shop-prod", "shop-staging", "shop-dev", "data-prod", "data-prod", "data-dev",
    "ml-staging", "sandbox", "mooring-system",
  ]
  private let tenantNamespaces = [
    "shop-prod", "shop-staging", "shop-dev", "data-prod", "data-dev", "ml-staging", "sandbox",
  ]
  private let apps = [
    "checkout", "cart", "catalog", "search", "payments", "ingest", "etl", "reports",
    "feature-store",
    "trainer", "gateway", "auth", "notifier", "billing", "web",
  ]

  init(seed: UInt64) { r = Rng(state: seed) }

  mutating func requests(_ count: Int) -> [BenchRequest] {
    // Kind weights, in percent.
    let kinds: [(String, Int)] = [
      ("Deployment", 25), ("Pod", 8), ("StatefulSet", 5), ("Job", 5), ("Service", 15),
      ("ConfigMap", 15), ("Ingress", 6), ("Namespace", 3), ("Project", 6), ("Sync", 4),
      ("GitRepository", 4), ("Organization", 4),
    ]
    var out: [BenchRequest] = []
    out.reserveCapacity(count)
    for i in 0..<count {
      var roll = r.below(100)
      var kind = kinds[0].0
      for (k, w) in kinds {
        if roll < w {
          kind = k
          break
        }
        roll -= w
      }
      out.append(request(kind, i))
    }
    return out
  }

  private mutating func request(_ kind: String, _ i: Int) -> BenchRequest {
    switch kind {
    case "Deployment", "StatefulSet":
      let object = workload(kind, i)
      if r.chance(0.15) {
        // An update: the stored object ran another replica count.
        guard case .map(var old) = object, case .map(var spec)? = old["spec"] else {
          return BenchRequest(operation: .create, object: object)
        }
        spec["replicas"] = .int(Int64(1 + r.below(4)))
        old["spec"] = .map(spec)
        return BenchRequest(operation: .update, object: object, oldObject: .map(old))
      }
      return BenchRequest(operation: .create, object: object)
    case "Pod": return BenchRequest(operation: .create, object: pod(i))
    case "Job": return BenchRequest(operation: .create, object: job(i))
    case "Service": return BenchRequest(operation: .create, object: service(i))
    case "ConfigMap": return BenchRequest(operation: .create, object: configMap(i))
    case "Ingress": return BenchRequest(operation: .create, object: ingress(i))
    case "Namespace": return BenchRequest(operation: .create, object: namespace(i))
    case "Project": return BenchRequest(operation: .create, object: project(i))
    case "Sync": return BenchRequest(operation: .create, object: sync(i))
    case "GitRepository": return BenchRequest(operation: .create, object: gitRepository(i))
    default:
      let (object, old) = organization(i)
      return BenchRequest(operation: .update, object: object, oldObject: old)
    }
  }

  private func team(of namespace: String) -> String {
    String(namespace.split(separator: "-").first ?? "platform")
  }

  // MARK: metadata

  private mutating func name(_ app: String, _ i: Int) -> String {
    if r.chance(0.015) { return "\(app.capitalized)_\(i)" }  // not a DNS-1035 label
    if r.chance(0.01) { return "\(app)-\(i)-with-a-name-far-too-long-for-its-generated-pods" }
    return "\(app)-\(i)"
  }

  private mutating func labels(_ app: String, _ team: String) -> ValueMap {
    var l = ValueMap()
    l["app"] = str(app)
    l["app.kubernetes.io/name"] = str(app)
    l["app.kubernetes.io/part-of"] = str(team)
    l["mooring.dev/team"] = str(team)
    if !r.chance(0.3) { l["mooring.dev/tier"] = str(r.pick(["gold", "silver", "bronze"])) }
    let roll = r.below(100)
    if roll < 1 {
      l["mooring.dev/change"] = str("fix the checkout bug")  // a space: not a label value
    } else if roll < 2 {
      l["mooring.dev/commit"] = str(r.hex(40) + "-" + r.hex(40))  // over 63 characters
    } else {
      l["mooring.dev/commit"] = str(r.hex(12))
    }
    return l
  }

  private mutating func annotations(_ team: String) -> ValueMap {
    var a = ValueMap()
    a["mooring.dev/source"] = str("git.mooring.dev/\(team)/deploy@\(r.hex(12))")
    let roll = r.below(100)
    if roll < 94 {
      a["mooring.dev/owner"] = str("\(team)-oncall@example.com")
    } else if roll < 97 {
      a["mooring.dev/owner"] = str("Team \(team.capitalized)")  // not an e-mail address
    }
    return a
  }

  private func metadata(
    _ name: String, _ namespace: String?, labels: ValueMap?, annotations: ValueMap? = nil
  ) -> Value {
    var m = ValueMap()
    m["name"] = str(name)
    if let namespace { m["namespace"] = str(namespace) }
    if let labels { m["labels"] = .map(labels) }
    if let annotations { m["annotations"] = .map(annotations) }
    return .map(m)
  }

  // MARK: pod specs

  private mutating func image(_ app: String, _ team: String) -> String {
    let roll = r.below(100)
    switch roll {
    case 0..<70:
      return "registry.mooring.dev/\(team)/\(app):\(1 + r.below(4)).\(r.below(20)).\(r.below(10))"
    case 70..<80: return "ghcr.io/mooring-dev/\(app):v\(1 + r.below(3)).\(r.below(10))"
    case 80..<86: return "registry.mooring.dev/\(team)/\(app)@sha256:\(r.hex(64))"
    case 86..<92:
      return "docker.io/library/\(r.pick(["nginx", "redis", "busybox"])):"
        + r.pick(["1.27", "7.4", "latest"])
    case 92..<96: return "registry.mooring.dev/\(team)/\(app):latest"
    default: return "registry.mooring.dev:5000/\(team)/\(app)"  // no tag
    }
  }

  private mutating func resources() -> Value? {
    if r.chance(0.03) { return nil }
    var requests = ValueMap()
    requests["cpu"] = str(r.pick(["100m", "250m", "500m", "1"]))
    if !r.chance(0.03) { requests["memory"] = str(r.pick(["128Mi", "256Mi", "512Mi", "1Gi"])) }
    var res = ValueMap()
    res["requests"] = .map(requests)
    if !r.chance(0.04) {
      var limits = ValueMap()
      limits["cpu"] = str(r.chance(0.02) ? "4" : r.pick(["1", "1500m", "2"]))
      if !r.chance(0.04) {
        let roll = r.below(100)
        limits["memory"] = str(
          roll < 2 ? "8Gi" : roll < 5 ? "64Mi" : r.pick(["1Gi", "2Gi", "4Gi"]))
      }
      res["limits"] = .map(limits)
    }
    return .map(res)
  }

  private mutating func container(_ name: String, _ app: String, _ team: String) -> Value {
    var c = ValueMap()
    c["name"] = str(name)
    c["image"] = str(image(app, team))
    c["imagePullPolicy"] = "IfNotPresent"
    c["ports"] = [map(("name", "http"), ("containerPort", 8080), ("protocol", "TCP"))]
    var env: [Value] = [
      map(("name", "LOG_LEVEL"), ("value", str(r.pick(["info", "warn", "debug"]))))
    ]
    env.append(
      map(
        ("name", "DB_PASSWORD"),
        ("valueFrom", map(("secretKeyRef", map(("name", str(app + "-db")), ("key", "password")))))))
    if r.chance(0.5) { env.append(map(("name", "REGION"), ("value", str(r.pick(["eu", "us"]))))) }
    c["env"] = .list(env)
    if let res = resources() { c["resources"] = res }
    let roll = r.below(100)
    if roll < 94 {
      c["securityContext"] = map(
        ("allowPrivilegeEscalation", false), ("readOnlyRootFilesystem", true),
        ("runAsNonRoot", true), ("capabilities", map(("drop", ["ALL"]))))
    } else if roll < 95 {
      c["securityContext"] = map(("privileged", true), ("allowPrivilegeEscalation", true))
    }
    if r.chance(0.95) {
      c["readinessProbe"] = map(
        ("httpGet", map(("path", "/healthz"), ("port", 8080))), ("periodSeconds", 10))
    }
    if r.chance(0.7) {
      c["livenessProbe"] = map(
        ("httpGet", map(("path", "/livez"), ("port", 8080))), ("failureThreshold", 3))
    }
    return .map(c)
  }

  private mutating func podSpec(_ app: String, _ team: String) -> ValueMap {
    var spec = ValueMap()
    var containers = [container(app, app, team)]
    let sidecars = r.below(3)
    if sidecars >= 1 { containers.append(container("log-shipper", "fluent-bit", team)) }
    if sidecars >= 2 { containers.append(container("proxy", "envoy", team)) }
    spec["containers"] = .list(containers)
    if r.chance(0.2) { spec["initContainers"] = [container("migrate", app, team)] }
    spec["serviceAccountName"] = str(app)
    spec["securityContext"] = map(("runAsNonRoot", true), ("fsGroup", 10001))
    return spec
  }

  // MARK: kinds

  private mutating func workload(_ kind: String, _ i: Int) -> Value {
    let app = r.pick(apps)
    let ns = r.pick(workloadNamespaces)
    let team = team(of: ns)
    let labels = labels(app, team)
    var spec = ValueMap()
    if !r.chance(0.05) {
      let production = ns.hasSuffix("-prod") || ns == "mooring-system"
      let roll = r.below(100)
      let replicas =
        production
        ? (roll < 3 ? 1 : roll < 5 ? 30 : 2 + r.below(7)) : (roll < 3 ? 8 : 1 + r.below(4))
      spec["replicas"] = .int(Int64(replicas))
    }
    spec["selector"] = map(("matchLabels", map(("app", str(app)))))
    if kind == "StatefulSet" {
      spec["serviceName"] = str(app)
      spec["volumeClaimTemplates"] = [
        map(
          ("metadata", map(("name", "data"))),
          (
            "spec",
            map(
              ("accessModes", ["ReadWriteOnce"]),
              ("resources", map(("requests", map(("storage", "10Gi"))))))
          ))
      ]
    } else {
      spec["strategy"] = map(
        ("type", "RollingUpdate"),
        ("rollingUpdate", map(("maxSurge", "25%"), ("maxUnavailable", 0))))
    }
    var templateLabels = ValueMap()
    templateLabels["app"] = str(app)
    templateLabels["mooring.dev/team"] = str(team)
    spec["template"] = map(
      ("metadata", map(("labels", .map(templateLabels)))), ("spec", .map(podSpec(app, team))))
    return map(
      ("apiVersion", "apps/v1"), ("kind", str(kind)),
      ("metadata", metadata(name(app, i), ns, labels: labels, annotations: annotations(team))),
      ("spec", .map(spec)))
  }

  private mutating func pod(_ i: Int) -> Value {
    let app = r.pick(apps)
    let ns = r.pick(workloadNamespaces)
    let team = team(of: ns)
    var spec = podSpec(app, team)
    spec["restartPolicy"] = "Always"
    return map(
      ("apiVersion", "v1"), ("kind", "Pod"),
      ("metadata", metadata("\(app)-\(r.hex(10))-\(r.hex(5))", ns, labels: labels(app, team))),
      ("spec", .map(spec)))
  }

  private mutating func job(_ i: Int) -> Value {
    let app = r.pick(["etl", "reports", "trainer", "backup", "migrate"])
    let ns = r.pick(workloadNamespaces)
    let team = team(of: ns)
    var podSpec = podSpec(app, team)
    podSpec["restartPolicy"] = "Never"
    return map(
      ("apiVersion", "batch/v1"), ("kind", "Job"),
      ("metadata", metadata("\(app)-\(i)", ns, labels: labels(app, team))),
      (
        "spec",
        map(
          ("backoffLimit", .int(Int64(r.below(7)))), ("ttlSecondsAfterFinished", 3600),
          (
            "template",
            map(("metadata", map(("labels", map(("app", str(app)))))), ("spec", .map(podSpec)))
          ))
      ))
  }

  private mutating func service(_ i: Int) -> Value {
    let app = r.pick(apps)
    let ns = r.pick(workloadNamespaces)
    let team = team(of: ns)
    var annotations = annotations(team)
    var spec = ValueMap()
    let roll = r.below(100)
    let type = roll < 85 ? "ClusterIP" : roll < 95 ? "LoadBalancer" : "NodePort"
    spec["type"] = str(type)
    var ports: [Value] = [
      map(("name", "http"), ("port", 80), ("targetPort", 8080), ("protocol", "TCP"))
    ]
    if r.chance(0.4) {
      ports.append(map(("name", "https"), ("port", 443), ("targetPort", 8443), ("protocol", "TCP")))
    }
    if type == "LoadBalancer" {
      if r.chance(0.85) { annotations["mooring.dev/public-approved-by"] = "security@example.com" }
      if r.chance(0.1) {
        ports.append(
          map(
            ("name", "ssh"), ("port", .int(Int64(r.pick([22, 8443])))), ("targetPort", 22),
            ("protocol", "TCP")))
      }
    }
    spec["ports"] = .list(ports)
    spec["selector"] = map(("app", str(app)))
    return map(
      ("apiVersion", "v1"), ("kind", "Service"),
      ("metadata", metadata(name(app, i), ns, labels: labels(app, team), annotations: annotations)),
      ("spec", .map(spec)))
  }

  private mutating func configMap(_ i: Int) -> Value {
    let app = r.pick(apps)
    let ns = r.pick(workloadNamespaces)
    let team = team(of: ns)
    var labels = labels(app, team)
    if r.chance(0.05) { labels["mooring.dev/exempt"] = "true" }
    var object = ValueMap()
    object["apiVersion"] = "v1"
    object["kind"] = "ConfigMap"
    object["metadata"] = metadata("\(app)-config-\(i)", ns, labels: labels)
    if r.chance(0.05) {
      object["binaryData"] = map(("blob.bin", str(r.hex(32))))
      return .map(object)
    }
    var data = ValueMap()
    data["LOG_LEVEL"] = str(r.pick(["info", "warn"]))
    data["app.properties"] = str(
      "server.port=8080\nmanagement.port=9090\nfeature.flags=\(r.hex(8))\n")
    for k in 0..<r.below(4) { data["FEATURE_\(k)"] = str(r.chance(0.5) ? "on" : "off") }
    let roll = r.below(100)
    if roll < 3 {
      data["log level"] = "debug"  // a space: not a ConfigMap key
    } else if roll < 6 {
      data["catalog.json"] = str(String(repeating: "{\"sku\":\"\(r.hex(8))\"},", count: 80))
    }
    object["data"] = .map(data)
    return .map(object)
  }

  private mutating func ingress(_ i: Int) -> Value {
    let app = r.pick(apps)
    let ns = r.pick(tenantNamespaces)
    let team = team(of: ns)
    var hosts = ["\(app).\(r.pick(["apps.mooring.dev", "shop.example.com", "data.example.com"]))"]
    if r.chance(0.04) {
      hosts.append("\(app).evil.example.net")
    } else if r.chance(0.3) {
      hosts.append("\(app)-\(r.hex(4)).apps.mooring.dev")
    }
    let rules: [Value] = hosts.map { host in
      map(
        ("host", str(host)),
        (
          "http",
          map(
            (
              "paths",
              [
                map(
                  ("path", "/"), ("pathType", "Prefix"),
                  (
                    "backend",
                    map(("service", map(("name", str(app)), ("port", map(("number", 80))))))
                  ))
              ]
            ))
        ))
    }
    var spec = ValueMap()
    spec["ingressClassName"] = "nginx"
    spec["rules"] = .list(rules)
    if !r.chance(0.04) {
      let covered = r.chance(0.03) ? Array(hosts.prefix(1)) + ["other.apps.mooring.dev"] : hosts
      spec["tls"] = [
        map(("hosts", .list(covered.map { str($0) })), ("secretName", str(app + "-tls")))
      ]
    }
    return map(
      ("apiVersion", "networking.k8s.io/v1"), ("kind", "Ingress"),
      ("metadata", metadata("\(app)-\(i)", ns, labels: labels(app, team))), ("spec", .map(spec)))
  }

  private mutating func namespace(_ i: Int) -> Value {
    var labels = ValueMap()
    let team = r.pick(["shop", "data", "ml", "web", "ops"])
    if !r.chance(0.05) { labels["mooring.dev/team"] = str(team) }
    if !r.chance(0.08) { labels["mooring.dev/cost-center"] = str("cc-\(100 + r.below(800))") }
    if r.chance(0.05) { labels["mooring.dev/platform"] = "true" }
    labels["mooring.dev/environment"] = str(r.pick(["production", "staging", "dev"]))
    return map(
      ("apiVersion", "v1"), ("kind", "Namespace"),
      ("metadata", metadata("\(team)-\(i)", nil, labels: labels)))
  }

  private mutating func project(_ i: Int) -> Value {
    let roll = r.below(100)
    let name =
      roll < 2 ? "org-project-\(i)" : roll < 4 ? "Project\(i)" : roll < 5 ? "p" : "project-\(i)"
    let ns = r.chance(0.04) ? "shop-dev" : r.pick(["org-acme", "org-globex", "org-initech"])
    var labels = ValueMap()
    if !r.chance(0.05) { labels["mooring.dev/team"] = str(r.pick(["acme", "globex", "initech"])) }
    if !r.chance(0.05) { labels["mooring.dev/cost-center"] = str("cc-\(100 + r.below(800))") }
    return map(
      ("apiVersion", "resourcemanager.mooring.dev/v1alpha1"), ("kind", "Project"),
      ("metadata", metadata(name, ns, labels: labels)),
      ("spec", map(("displayName", str("Project \(i)")), ("billingAccount", str("ba-\(r.hex(6))"))))
    )
  }

  private mutating func sync(_ i: Int) -> Value {
    let ns = r.chance(0.05) ? "mooring-system" : r.pick(tenantNamespaces)
    let repo = r.pick(apps)
    var ref = ValueMap()
    ref["kind"] = "GitRepository"
    ref["name"] = str(repo)
    let roll = r.below(100)
    if roll < 6 {
      ref["namespace"] = str(r.pick(tenantNamespaces.filter { $0 != ns }))
    } else if roll < 10 {
      ref["namespace"] = str(ns)
    }
    let name = r.chance(0.02) ? "Sync-\(i)" : "\(repo)-sync-\(i)"
    return map(
      ("apiVersion", "gitops.mooring.dev/v1alpha1"), ("kind", "Sync"),
      ("metadata", metadata(name, ns, labels: nil)),
      (
        "spec",
        map(
          ("sourceRef", .map(ref)), ("path", str("deploy/\(repo)")), ("interval", "1m"),
          ("prune", true))
      ))
  }

  private mutating func gitRepository(_ i: Int) -> Value {
    let ns = r.chance(0.05) ? "mooring-system" : r.pick(tenantNamespaces)
    let team = team(of: ns)
    let repo = r.pick(apps)
    var spec = ValueMap()
    let roll = r.below(100)
    switch roll {
    case 0..<85:
      spec["url"] = str(
        "https://\(r.pick(["github.com", "gitlab.com", "git.mooring.dev"]))/\(team)/\(repo).git")
    case 85..<90: spec["url"] = str("http://github.com/\(team)/\(repo).git")
    case 90..<95: spec["url"] = str("https://bitbucket.org/\(team)/\(repo).git")
    case 95..<98: spec["url"] = str("git@github.com:\(team)/\(repo).git")
    default: break  // no url yet: the policy's matchCondition skips it
    }
    spec["branch"] = "main"
    if r.chance(0.5) {
      var ref = ValueMap()
      ref["name"] = str("\(repo)-deploy-key")
      if r.chance(0.1) { ref["namespace"] = str(r.pick(tenantNamespaces.filter { $0 != ns })) }
      spec["secretRef"] = .map(ref)
    }
    return map(
      ("apiVersion", "gitops.mooring.dev/v1alpha1"), ("kind", "GitRepository"),
      ("metadata", metadata("\(repo)-\(i)", ns, labels: nil)), ("spec", .map(spec)))
  }

  private mutating func organization(_ i: Int) -> (Value, Value) {
    let type = r.pick(["Standard", "Personal"])
    let oldType = r.chance(0.05) ? (type == "Standard" ? "Personal" : "Standard") : type
    func org(_ t: String, _ display: String) -> Value {
      map(
        ("apiVersion", "resourcemanager.mooring.dev/v1alpha1"), ("kind", "Organization"),
        ("metadata", metadata("org-\(i)", nil, labels: nil)),
        ("spec", map(("displayName", str(display)), ("type", str(t)))))
    }
    return (org(type, "Organization \(i)"), org(oldType, "Org \(i)"))
  }
}
