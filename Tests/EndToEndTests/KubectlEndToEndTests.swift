import Foundation
import Objects
import Store
import TestSupport
import Testing

/// The real kubectl against a running `mooring serve` (plain HTTP on 127.0.0.1): discovery,
/// get/list/watch, create, apply (client-side and server-side), diff, patch, label, delete,
/// explain, raw discovery, admission denials and bad input.
@Suite(.serialized) struct KubectlEndToEndTests {
  /// A running daemon and a kubeconfig for it.
  final class Cluster {
    let root: String
    let daemon: Subprocess
    let url: String

    /// Plain HTTP unless `tls`; `extra` goes to `mooring serve`.
    init(tls: Bool = false, extra: [String] = []) async throws {
      root = NSTemporaryDirectory() + "mooring-kubectl-\(UUID().uuidString)"
      try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
      daemon = try Subprocess(
        MooringProcess.binary,
        ["serve", "--data-dir", root + "/data", "--listen", "127.0.0.1:0"]
          + (tls ? [] : ["--insecure-http"]) + extra,
        environment: ProcessInfo.processInfo.environment, standardError: root + "/serve.log")
      var address: String?
      for _ in 0..<200 {
        address = try? String(contentsOfFile: root + "/data/api-address", encoding: .utf8)
        if address != nil { break }
        try await Task.sleep(for: .milliseconds(50))
      }
      guard let address else {
        daemon.kill()
        throw SubprocessError(description: "the API did not start; see \(root)/serve.log")
      }
      url = address
      let config = try MooringProcess.run(["kubeconfig", "--data-dir", root + "/data"])
      try config.stdout.write(toFile: root + "/kubeconfig", atomically: true, encoding: .utf8)
    }

    deinit {
      daemon.kill()
      try? FileManager.default.removeItem(atPath: root)
    }

    /// Runs kubectl with this cluster's kubeconfig and a private discovery cache.
    func kubectl(_ args: [String]) throws -> MooringProcess.Result {
      try run(
        "/usr/bin/kubectl",
        ["--kubeconfig", root + "/kubeconfig", "--cache-dir", root + "/cache"] + args)
    }

    /// Writes a manifest into the cluster's directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
      let path = root + "/" + name
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }

    /// curl against the API: the status code and body.
    func curl(
      _ method: String, _ path: String, body: String? = nil, type: String = "application/json",
      headers: [String] = []
    ) throws -> (code: Int, body: String) {
      var args = ["-sk", "-o", root + "/curl.out", "-w", "%{http_code}", "-X", method]
      if let body {
        let file = try self.file("curl.in", body)
        args += ["-H", "Content-Type: \(type)", "--data-binary", "@" + file]
      }
      for h in headers { args += ["-H", h] }
      let r = try run("/usr/bin/curl", args + [url + path])
      let out = (try? String(contentsOfFile: root + "/curl.out", encoding: .utf8)) ?? ""
      return (Int(r.stdout) ?? 0, out)
    }
  }

  static func run(_ executable: String, _ args: [String]) throws -> MooringProcess.Result {
    try MooringProcess.run(executable: executable, args)
  }

  static let organization = """
    apiVersion: resourcemanager.mooring.dev/v1alpha1
    kind: Organization
    metadata:
      name: acme
      labels: {tier: gold}
    spec:
      displayName: ACME

    """

  @Test func discoveryAndVersion() async throws {
    let c = try await Cluster()
    let version = try c.kubectl(["version"])
    #expect(version.stdout.contains("Server Version: v1.32.0-mooring"), "\(version)")
    let resources = try c.kubectl(["api-resources"])
    #expect(resources.status == 0)
    let org = resources.stdout.split(separator: "\n").first { $0.hasPrefix("organizations") }
    #expect(
      org?.split(separator: " ", omittingEmptySubsequences: true)
        == [
          "organizations", "org", "resourcemanager.mooring.dev/v1alpha1", "false", "Organization",
        ])
    #expect(resources.stdout.contains("validatingadmissionpolicies"))
    let raw = try c.kubectl(["get", "--raw", "/apis/resourcemanager.mooring.dev/v1alpha1"])
    #expect(raw.stdout.contains("\"kind\":\"APIResourceList\""))
    let openapi = try c.kubectl(["get", "--raw", "/openapi/v3"])
    #expect(openapi.stdout.contains("apis/resourcemanager.mooring.dev/v1alpha1"))
    let explain = try c.kubectl(["explain", "organizations"])
    #expect(explain.stdout.contains("KIND:       Organization"), "\(explain)")
    // No OpenAPI v2: a NotFound Status, which kubectl takes (it asks for v2 only when v3
    // falls short).
    let v2 = try c.curl(
      "GET", "/openapi/v2",
      headers: ["Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf"])
    #expect(v2.code == 404 && v2.body.contains("\"reason\":\"NotFound\""), "\(v2)")
    let unknown = try c.kubectl(["get", "widgets"])
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("the server doesn't have a resource type \"widgets\""))
  }

  @Test func applyGetLabelDiffPatchDelete() async throws {
    let c = try await Cluster()
    let org = try c.file("org.yaml", Self.organization)
    let created = try c.kubectl(["apply", "-f", org])
    #expect(
      created.stdout == "organization.resourcemanager.mooring.dev/acme created\n", "\(created)")
    #expect(try c.kubectl(["apply", "-f", org]).stdout.contains("acme unchanged"))

    let table = try c.kubectl(["get", "org"])
    #expect(table.stdout.hasPrefix("NAME"), "\(table)")
    #expect(table.stdout.contains("acme"))
    let json = try c.kubectl(["get", "org", "acme", "-o", "jsonpath={.spec.displayName}"])
    #expect(json.stdout == "ACME")

    #expect(try c.kubectl(["label", "org", "acme", "env=prod"]).stdout.contains("labeled"))
    #expect(
      try c.kubectl(["annotate", "org", "acme", "note=hello"]).stdout
        == "organization.resourcemanager.mooring.dev/acme annotated\n")
    let yaml = try c.kubectl(["get", "org", "acme", "-o", "yaml"])
    #expect(yaml.stdout.contains("    note: hello\n"), "\(yaml)")
    #expect(yaml.stdout.contains("  displayName: ACME\n"))
    let wide = try c.kubectl(["get", "org", "-o", "wide"])
    #expect(wide.stdout.hasPrefix("NAME"), "\(wide)")
    #expect(wide.stdout.contains("DISPLAY NAME"))
    let selected = try c.kubectl(["get", "org", "-l", "env=prod", "-o", "name"])
    #expect(selected.stdout == "organization.resourcemanager.mooring.dev/acme\n")
    let none = try c.kubectl(["get", "org", "-l", "env=dev"])
    #expect(none.stderr.contains("No resources found"))
    let byName = try c.kubectl([
      "get", "org", "--field-selector", "metadata.name=acme", "-o", "name",
    ])
    #expect(byName.stdout == "organization.resourcemanager.mooring.dev/acme\n")

    // diff and a server dry run change nothing; apply does.
    let changed = try c.file(
      "org2.yaml", Self.organization.replacingOccurrences(of: "ACME\n", with: "ACME Corp\n"))
    let rv = try c.kubectl(["get", "org", "acme", "-o", "jsonpath={.metadata.resourceVersion}"])
      .stdout
    let diff = try c.kubectl(["diff", "-f", changed])
    #expect(diff.status == 1, "\(diff)")
    #expect(diff.stdout.contains("+  displayName: ACME Corp"))
    let dry = try c.kubectl(["apply", "--dry-run=server", "-f", changed])
    #expect(dry.stdout.contains("configured (server dry run)"), "\(dry)")
    let after = try c.kubectl(["get", "org", "acme", "-o", "jsonpath={.metadata.resourceVersion}"])
    #expect(after.stdout == rv)
    #expect(try c.kubectl(["apply", "-f", changed]).stdout.contains("acme configured"))
    #expect(
      try c.kubectl(["get", "org", "acme", "-o", "jsonpath={.spec.displayName}"]).stdout
        == "ACME Corp")

    // Patches: merge (and its no-op), JSON.
    let merge = [
      "patch", "org", "acme", "--type", "merge", "-p", "{\"spec\":{\"displayName\":\"X\"}}",
    ]
    #expect(try c.kubectl(merge).stdout.contains("acme patched\n"))
    #expect(try c.kubectl(merge).stdout.contains("patched (no change)"))
    let jsonPatch = try c.kubectl([
      "patch", "org", "acme", "--type", "json", "-p",
      "[{\"op\":\"replace\",\"path\":\"/spec/displayName\",\"value\":\"Y\"}]",
    ])
    #expect(jsonPatch.status == 0, "\(jsonPatch)")
    #expect(
      try c.kubectl(["get", "org", "acme", "-o", "jsonpath={.spec.displayName}"]).stdout == "Y")

    // Server-side apply creates and updates.
    let ns = try c.file("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n")
    #expect(try c.kubectl(["create", "-f", ns]).stdout == "namespace/team-a created\n")
    let project = try c.file(
      "project.yaml",
      """
      apiVersion: resourcemanager.mooring.dev/v1alpha1
      kind: Project
      metadata: {name: web, namespace: team-a}
      spec: {displayName: Web}

      """)
    let ssa = try c.kubectl(["apply", "--server-side", "-f", project])
    #expect(
      ssa.stdout.contains("project.resourcemanager.mooring.dev/web serverside-applied"), "\(ssa)")
    let all = try c.kubectl(["get", "projects", "-A"])
    #expect(all.stdout.contains("team-a"), "\(all)")
    let unchanged = try c.kubectl(["diff", "--server-side", "-f", project])
    #expect(unchanged.status == 0, "\(unchanged)")
    // Field ownership: another manager's change conflicts with a later apply, unless forced.
    _ = try c.kubectl([
      "patch", "project", "web", "-n", "team-a", "--type", "merge", "-p",
      "{\"spec\":{\"displayName\":\"Patched\"}}",
    ])
    let conflict = try c.kubectl(["apply", "--server-side", "-f", project])
    #expect(conflict.status == 1)
    #expect(
      conflict.stderr.contains(
        "Apply failed with 1 conflict: conflict with \"kubectl-patch\" using resourcemanager.mooring.dev/v1alpha1: .spec.displayName"
      ), "\(conflict)")
    let forced = try c.kubectl(["apply", "--server-side", "--force-conflicts", "-f", project])
    #expect(forced.status == 0, "\(forced)")
    #expect(
      try c.kubectl(["get", "project", "web", "-n", "team-a", "-o", "jsonpath={.spec.displayName}"])
        .stdout == "Web")

    // Errors as kube words them.
    let missing = try c.kubectl(["get", "org", "nope"])
    #expect(missing.status == 1)
    #expect(
      missing.stderr.contains(
        "Error from server (NotFound): organizations.resourcemanager.mooring.dev \"nope\" not found"
      ))
    let again = try c.kubectl(["create", "-f", org])
    #expect(again.stderr.contains("(AlreadyExists)"), "\(again)")
    let bad = try c.file(
      "bad.yaml",
      "apiVersion: resourcemanager.mooring.dev/v1alpha1\nkind: Organization\nmetadata: {name: Bad_Name}\n"
    )
    let invalid = try c.kubectl(["apply", "-f", bad])
    #expect(
      invalid.stderr.contains(
        "The Organization \"Bad_Name\" is invalid: metadata.name: Invalid value"),
      "\(invalid)")

    #expect(
      try c.kubectl(["delete", "org", "acme"]).stdout
        == "organization.resourcemanager.mooring.dev \"acme\" deleted\n")
    #expect(try c.kubectl(["get", "org"]).stderr.contains("No resources found"))
  }

  /// `kubectl edit` through an editor script: a strategic merge patch for a built-in
  /// kind, a JSON merge patch for a CRD kind, and no request when nothing changed.
  @Test func editThroughAnEditor() async throws {
    let c = try await Cluster()
    let created = try c.kubectl(["create", "configmap", "app", "--from-literal=mode=blue"])
    #expect(created.status == 0, "\(created.stderr)")
    #expect(try c.kubectl(["apply", "-f", c.file("org.yaml", Self.organization)]).status == 0)
    let editor = try c.file(
      "editor.sh",
      "#!/bin/sh\nsed -i -e 's/mode: blue/mode: red/' -e 's/displayName: ACME/displayName: Acme Inc/' \"$1\"\n"
    )
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor)
    func edit(_ args: [String], editor: String) throws -> MooringProcess.Result {
      try Self.run(
        "/usr/bin/env",
        [
          "KUBE_EDITOR=" + editor, "/usr/bin/kubectl", "--kubeconfig", c.root + "/kubeconfig",
          "--cache-dir", c.root + "/cache", "edit",
        ] + args)
    }
    let configMap = try edit(["configmap", "app"], editor: editor)
    #expect(configMap.status == 0, "\(configMap.stderr)")
    #expect(configMap.stdout.contains("configmap/app edited"), "\(configMap.stdout)")
    let mode = try c.kubectl(["get", "configmap", "app", "-o", "jsonpath={.data.mode}"])
    #expect(mode.stdout == "red")
    let organization = try edit(["organization", "acme"], editor: editor)
    #expect(organization.status == 0, "\(organization.stderr)")
    let name = try c.kubectl(["get", "organization", "acme", "-o", "jsonpath={.spec.displayName}"])
    #expect(name.stdout == "Acme Inc")
    let unchanged = try edit(["configmap", "app"], editor: "/bin/true")
    #expect(unchanged.status == 0, "\(unchanged.stderr)")
    #expect(unchanged.stderr.contains("Edit cancelled, no changes made"), "\(unchanged.stderr)")
  }

  @Test func watchSeesChanges() async throws {
    let c = try await Cluster()
    let org = try c.file("org.yaml", Self.organization)
    _ = try c.kubectl(["apply", "-f", org])
    let out = c.root + "/watch.out"
    let watcher = try Subprocess(
      "/usr/bin/kubectl",
      [
        "--kubeconfig", c.root + "/kubeconfig", "--cache-dir", c.root + "/cache", "get", "org",
        "acme", "-w", "-o", "jsonpath={.spec.displayName}{\"\\n\"}",
      ], environment: ProcessInfo.processInfo.environment, standardOutput: out)
    defer { watcher.kill() }
    try await Task.sleep(for: .milliseconds(1500))
    for name in ["One", "Two"] {
      _ = try c.kubectl([
        "patch", "org", "acme", "--type", "merge", "-p", "{\"spec\":{\"displayName\":\"\(name)\"}}",
      ])
    }
    var lines: [String] = []
    for _ in 0..<50 {
      lines = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n")
        .map(String.init)
      if lines.count >= 3 { break }
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(lines == ["ACME", "One", "Two"])
  }

  /// The daemon compacts its change log every --compaction-interval: a watch from before
  /// that is answered 410 Expired, as kube-apiserver answers after etcd compacts.
  @Test func daemonCompactsTheChangeLog() async throws {
    let c = try await Cluster(extra: ["--compaction-interval", "1s"])
    let org = try c.file("org.yaml", Self.organization)
    #expect(try c.kubectl(["apply", "-f", org]).status == 0)
    for name in ["One", "Two"] {
      _ = try c.kubectl([
        "patch", "org", "acme", "--type", "merge", "-p", "{\"spec\":{\"displayName\":\"\(name)\"}}",
      ])
    }
    let store = try SQLiteStore(path: c.root + "/data/store.db")
    let revision = try await store.currentRevision()
    var compacted: Int64 = 0
    for _ in 0..<40 where compacted < revision {
      try await Task.sleep(for: .milliseconds(250))
      compacted = try store.compactedRevision()
    }
    #expect(compacted >= revision, "compacted \(compacted) of \(revision)")
    let watch = try c.kubectl([
      "get", "--raw",
      "/apis/resourcemanager.mooring.dev/v1alpha1/organizations?watch=1&resourceVersion=1&timeoutSeconds=2",
    ])
    #expect(watch.stdout.contains("\"type\":\"ERROR\""), "\(watch)")
    #expect(watch.stdout.contains("\"code\":410"), "\(watch)")
    // The objects themselves are untouched.
    let name = try c.kubectl(["get", "org", "acme", "-o", "jsonpath={.spec.displayName}"])
    #expect(name.stdout == "Two")
  }

  @Test func admissionPolicyDenies() async throws {
    let c = try await Cluster()
    let policy = try c.file(
      "policy.yaml",
      """
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: org-needs-tier}
      spec:
        failurePolicy: Fail
        matchConstraints:
          resourceRules:
          - apiGroups: [resourcemanager.mooring.dev]
            apiVersions: ["*"]
            operations: [CREATE, UPDATE]
            resources: [organizations]
        validations:
        - expression: "has(object.metadata.labels) && 'tier' in object.metadata.labels"
          message: organizations need a tier label
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicyBinding
      metadata: {name: org-needs-tier}
      spec:
        policyName: org-needs-tier
        validationActions: [Deny]

      """)
    let applied = try c.kubectl(["apply", "-f", policy])
    #expect(applied.status == 0, "\(applied)")
    // A second client-side apply of a compiled-in kind goes through strategic merge patch.
    let edited = try c.file(
      "policy2.yaml",
      try String(contentsOfFile: policy, encoding: .utf8).replacingOccurrences(
        of: "failurePolicy: Fail",
        with:
          "failurePolicy: Fail\n  matchConditions:\n  - name: not-system\n    expression: \"!object.metadata.name.startsWith('system-')\""
      ))
    let reapplied = try c.kubectl(["apply", "-f", edited])
    #expect(
      reapplied.stdout.contains(
        "validatingadmissionpolicy.admissionregistration.k8s.io/org-needs-tier configured"),
      "\(reapplied)")
    let conditions = try c.kubectl([
      "get", "validatingadmissionpolicy", "org-needs-tier", "-o",
      "jsonpath={.spec.matchConditions[*].name}",
    ])
    #expect(conditions.stdout == "not-system")
    let bare = try c.file(
      "bare.yaml",
      "apiVersion: resourcemanager.mooring.dev/v1alpha1\nkind: Organization\nmetadata: {name: bare}\n"
    )
    let denied = try c.kubectl(["apply", "-f", bare])
    #expect(denied.status == 1)
    #expect(
      denied.stderr.contains(
        "ValidatingAdmissionPolicy 'org-needs-tier' with binding 'org-needs-tier' denied request: organizations need a tier label"
      ), "\(denied)")
    #expect(try c.kubectl(["apply", "-f", try c.file("org.yaml", Self.organization)]).status == 0)
  }

  @Test func tlsTokensAuditAndMetrics() async throws {
    let setup = NSTemporaryDirectory() + "mooring-tokens-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: setup, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: setup) }
    try "alice-token,alice,1001,\"devs,ops\"\n".write(
      toFile: setup + "/tokens.csv", atomically: true, encoding: .utf8)
    let c = try await Cluster(
      tls: true,
      extra: ["--token-auth-file", setup + "/tokens.csv", "--audit-log-path", setup + "/audit.log"])
    #expect(c.url.hasPrefix("https://127.0.0.1:"))
    // The kubeconfig carries the generated CA and the admin token.
    let config = try String(contentsOfFile: c.root + "/kubeconfig", encoding: .utf8)
    #expect(config.contains("certificate-authority-data: "))
    let namespaces = try c.kubectl(["get", "namespaces", "-o", "name"])
    #expect(namespaces.stdout == "namespace/default\n", "\(namespaces)")
    // RBAC: alice may do nothing until bound to a role.
    let org = try c.file("org.yaml", Self.organization)
    let denied = try c.kubectl(["--token", "alice-token", "create", "-f", org])
    #expect(denied.status == 1)
    #expect(
      denied.stderr.contains(
        "User \"alice\" cannot create resource \"organizations\" in API group \"resourcemanager.mooring.dev\" at the cluster scope"
      ), "\(denied)")
    let cannot = try c.kubectl([
      "--token", "alice-token", "auth", "can-i", "create", "organizations",
    ])
    #expect(cannot.stdout == "no\n", "\(cannot)")
    #expect(try c.kubectl(["auth", "can-i", "create", "organizations"]).stdout == "yes\n")
    let role = try c.file(
      "role.yaml",
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: org-admin}
      rules:
      - apiGroups: [resourcemanager.mooring.dev]
        resources: [organizations]
        verbs: [get, list, watch, create, update, patch, delete]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: devs-org-admin}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: org-admin}
      subjects:
      - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: devs}

      """)
    #expect(try c.kubectl(["apply", "-f", role]).status == 0)
    let can = try c.kubectl(["--token", "alice-token", "auth", "can-i", "create", "organizations"])
    #expect(can.stdout == "yes\n", "\(can)")
    #expect(
      try c.kubectl(["--token", "alice-token", "auth", "can-i", "delete", "namespaces"]).stdout
        == "no\n")
    let alice = try c.kubectl(["--token", "alice-token", "create", "-f", org])
    #expect(alice.status == 0, "\(alice)")
    let wrong = try c.kubectl(["--token", "nope", "get", "namespaces"])
    #expect(wrong.status == 1)
    #expect(wrong.stderr.contains("You must be logged in to the server (Unauthorized)"), "\(wrong)")
    // Without credentials only the public endpoints answer.
    #expect(try c.curl("GET", "/healthz").code == 200)
    #expect(try c.curl("GET", "/api").code == 401)

    // The write is in the store's audit trail as alice, and every request in the audit log.
    let audit = try MooringProcess.run(["audit", "--data-dir", c.root + "/data", "--user", "alice"])
    #expect(
      audit.stdout.contains("create   organizations.resourcemanager.mooring.dev/acme"), "\(audit)")
    // The audit log is written every 250 ms.
    func aliceCreates(_ log: String) -> [Substring] {
      log.split(separator: "\n").filter {
        $0.contains("\"verb\":\"create\"") && $0.contains("\"username\":\"alice\"")
          && $0.contains("\"resource\":\"organizations\"")
      }
    }
    var log = try String(contentsOfFile: setup + "/audit.log", encoding: .utf8)
    for _ in 0..<20 where aliceCreates(log).count < 2 || !log.contains("\"code\":401") {
      try await Task.sleep(for: .milliseconds(250))
      log = try String(contentsOfFile: setup + "/audit.log", encoding: .utf8)
    }
    let creates = aliceCreates(log)
    #expect(creates.count == 2, "\(log)")
    #expect(creates.first?.contains("\"code\":403") == true)
    #expect(creates.last?.contains("\"code\":201") == true)
    #expect(creates.last?.contains("\"resourceVersion\":\"") == true)
    #expect(creates.last?.contains("\"name\":\"acme\"") == true)
    #expect(log.contains("\"code\":401"))

    // Every request, reads included, is in the store's request trail too (written within
    // a second of the answer).
    var requests = try MooringProcess.run([
      "audit", "--data-dir", c.root + "/data", "--requests", "--user", "alice",
      "--resource", "organizations",
    ])
    for _ in 0..<20 where !requests.stdout.contains("201") {
      try await Task.sleep(for: .milliseconds(250))
      requests = try MooringProcess.run([
        "audit", "--data-dir", c.root + "/data", "--requests", "--user", "alice",
        "--resource", "organizations",
      ])
    }
    let rows = requests.stdout.split(separator: "\n").map { String($0) }
    #expect(rows.first?.hasPrefix("TIME") == true, "\(requests)")
    #expect(
      rows.contains {
        $0.contains("alice   create   organizations.resourcemanager.mooring.dev acme")
          && $0.contains(" 201 ")
      }, "\(requests)")
    #expect(
      rows.contains { $0.contains("alice   create") && $0.contains(" 403 ") }, "\(requests)")
    let reads = try MooringProcess.run([
      "audit", "--data-dir", c.root + "/data", "--requests", "--user", "admin", "-o", "json",
    ])
    let readRecords = try JSON.decode(Array(reads.stdout.utf8)).listValue ?? []
    let namespaceLists = readRecords.filter { (r: Value) -> Bool in
      r["verb"]?.stringValue == "list" && r["resource"]?.stringValue == "namespaces"
    }
    #expect(namespaceLists.first?["code"] == .int(200), "\(reads)")
    // The refused token's request is there too, without a user (written within a second).
    func refusedRow() throws -> (MooringProcess.Result, Bool) {
      let r = try MooringProcess.run([
        "audit", "--data-dir", c.root + "/data", "--requests", "--resource", "namespaces",
      ])
      let found = r.stdout.split(separator: "\n").contains {
        $0.contains("(unauthenticated)   list") && $0.contains(" 401 ")
      }
      return (r, found)
    }
    var (refused, found) = try refusedRow()
    for _ in 0..<20 where !found {
      try await Task.sleep(for: .milliseconds(250))
      (refused, found) = try refusedRow()
    }
    #expect(found, "\(refused)")

    let metrics = try c.kubectl(["get", "--raw", "/metrics"])
    #expect(
      metrics.stdout.contains(
        "mooring_apiserver_requests_total{verb=\"create\",resource=\"organizations.resourcemanager.mooring.dev\",code=\"201\"} 1"
      ), "\(metrics.stdout)")
    #expect(metrics.stdout.contains("mooring_store_write_duration_seconds_count"))
  }

  @Test func webhookRequestsReconcile() async throws {
    let c = try await Cluster()
    let manifests = try c.file(
      "hooked.yaml",
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: tenant}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: hook, namespace: tenant}
      data: {token: \(Data("s3cret".utf8).base64EncodedString())}
      ---
      apiVersion: gitops.mooring.dev/v1alpha1
      kind: GitRepository
      metadata: {name: config, namespace: tenant}
      spec:
        url: git://127.0.0.1:1/none.git
        interval: 1h
        webhook: {secretRef: {name: hook}}
      ---
      apiVersion: gitops.mooring.dev/v1alpha1
      kind: Sync
      metadata: {name: config, namespace: tenant}
      spec:
        sourceRef: {kind: GitRepository, name: config}
        interval: 1h

      """)
    let applied = try c.kubectl(["apply", "-f", manifests])
    #expect(applied.status == 0, "\(applied)")
    let hook = "/hooks/gitrepositories/tenant/config"
    let body = "{\"ref\":\"refs/heads/main\"}"
    #expect(try c.curl("POST", hook, body: body).code == 401)
    let bad = try c.curl(
      "POST", hook, body: body,
      headers: ["X-Hub-Signature-256: sha256=" + String(repeating: "0", count: 64)])
    #expect(bad.code == 401)
    let mac = try Self.run(
      "/usr/bin/python3",
      [
        "-c",
        "import hmac,hashlib,sys; print(hmac.new(b's3cret', sys.argv[1].encode(), hashlib.sha256).hexdigest())",
        body,
      ]
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let signed = try c.curl(
      "POST", hook, body: body, headers: ["X-Hub-Signature-256: sha256=" + mac])
    #expect(signed.code == 202, "\(signed)")
    #expect(signed.body.contains("and 1 Sync(s)"))
    for resource in ["gitrepository", "sync"] {
      let stamp = try c.kubectl([
        "get", resource, "config", "-n", "tenant", "-o",
        "jsonpath={.metadata.annotations.gitops\\.mooring\\.dev/reconcile-requested-at}",
      ])
      #expect(!stamp.stdout.isEmpty, "\(resource): \(stamp)")
    }
    let gitlab = try c.curl("POST", hook, body: body, headers: ["X-Gitlab-Token: s3cret"])
    #expect(gitlab.code == 202)
    #expect(try c.curl("POST", "/hooks/gitrepositories/tenant/missing", body: body).code == 404)
  }

  @Test func badInputGetsKubernetesStatus() async throws {
    let c = try await Cluster()
    let orgs = "/apis/resourcemanager.mooring.dev/v1alpha1/organizations"
    let malformed = try c.curl("POST", orgs, body: "{\"kind\": ")
    #expect(malformed.code == 400)
    #expect(malformed.body.contains("\"reason\":\"BadRequest\""))
    #expect(malformed.body.contains("not valid JSON"))
    let wrongKind = try c.curl(
      "POST", orgs,
      body: "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}")
    #expect(wrongKind.code == 400)
    #expect(try c.curl("GET", "/apis/example.com/v1/widgets").code == 404)
    let big = String(repeating: "x", count: 4 * 1024 * 1024)
    let tooLarge = try c.curl("POST", orgs, body: "{\"a\":\"\(big)\"}")
    #expect(tooLarge.code == 413)
    let created = try c.curl(
      "POST", orgs,
      body:
        "{\"apiVersion\":\"resourcemanager.mooring.dev/v1alpha1\",\"kind\":\"Organization\",\"metadata\":{\"name\":\"acme\"}}"
    )
    #expect(created.code == 201)
    let stale = try c.curl(
      "PUT", orgs + "/acme",
      body:
        "{\"apiVersion\":\"resourcemanager.mooring.dev/v1alpha1\",\"kind\":\"Organization\",\"metadata\":{\"name\":\"acme\",\"resourceVersion\":\"1\"},\"spec\":{\"a\":1}}"
    )
    #expect(stale.code == 409, "\(stale)")
    #expect(stale.body.contains("the object has been modified"))
    let smp = try c.curl(
      "PATCH", orgs + "/acme", body: "{}", type: "application/strategic-merge-patch+json")
    // Organization is compiled in, so (unlike a CRD kind) it takes strategic merge patches.
    #expect(smp.code == 200, "\(smp)")
  }
}

/// The official Python client (from PyPI, installed into .venv-test on first use) against
/// the same daemon: discovery, create, get, list, patch, conflict, watch, delete through
/// its dynamic client.
@Suite struct PythonClientEndToEndTests {
  /// A Python with the `kubernetes` package.
  static func python() throws -> String {
    let venv = MooringProcess.root.appendingPathComponent(".venv-test").path
    let python = venv + "/bin/python"
    if (try? KubectlEndToEndTests.run(python, ["-c", "import kubernetes"]))?.status == 0 {
      return python
    }
    let made = try KubectlEndToEndTests.run("/usr/bin/env", ["python3", "-m", "venv", venv])
    guard made.status == 0 else { throw SubprocessError(description: "venv: \(made.stderr)") }
    let pip = try KubectlEndToEndTests.run(
      python, ["-m", "pip", "install", "-q", "kubernetes>=29,<33"])
    guard pip.status == 0 else {
      throw SubprocessError(description: "pip install kubernetes: \(pip.stderr)")
    }
    return python
  }

  @Test func dynamicClient() async throws {
    let python = try Self.python()
    let c = try await KubectlEndToEndTests.Cluster(tls: true)
    let script = MooringProcess.root.appendingPathComponent(
      "Tests/EndToEndTests/python/dynamic_client.py"
    ).path
    let r = try KubectlEndToEndTests.run(python, [script, c.root + "/kubeconfig"])
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("ok delete"))
  }
}

extension KubectlEndToEndTests {
  /// kubectl's typed-client `create` subcommands send Kubernetes protobuf
  /// (`application/vnd.kubernetes.protobuf`); the objects they create hold what was asked.
  @Test func createSubcommandsSendProtobuf() async throws {
    let c = try await Cluster()
    let creates: [([String], String)] = [
      (["namespace", "team-b"], "namespace/team-b created"),
      (["configmap", "cfg", "-n", "team-b", "--from-literal=a=b"], "configmap/cfg created"),
      (["secret", "generic", "s", "-n", "team-b", "--from-literal=p=q"], "secret/s created"),
      (["serviceaccount", "robot", "-n", "team-b"], "serviceaccount/robot created"),
      (
        ["role", "r", "-n", "team-b", "--verb=get", "--resource=configmaps"],
        "role.rbac.authorization.k8s.io/r created"
      ),
      (
        ["rolebinding", "rb", "-n", "team-b", "--role=r", "--serviceaccount=team-b:robot"],
        "rolebinding.rbac.authorization.k8s.io/rb created"
      ),
    ]
    for (args, expected) in creates {
      let r = try c.kubectl(["create"] + args)
      #expect(r.status == 0 && r.stdout == expected + "\n", "\(args): \(r)")
    }
    func get(_ args: String...) throws -> String {
      let r = try c.kubectl(["get"] + args)
      #expect(r.status == 0, "\(args): \(r)")
      return r.stdout
    }
    #expect(try get("namespace", "team-b", "-o", "jsonpath={.metadata.name}") == "team-b")
    #expect(
      try get("configmap", "cfg", "-n", "team-b", "-o", "jsonpath={.metadata.namespace} {.data}")
        == "team-b {\"a\":\"b\"}")
    // `data` is base64 ("q"), as kube's JSON has it.
    #expect(try get("secret", "s", "-n", "team-b", "-o", "jsonpath={.data.p}") == "cQ==")
    #expect(
      try get("serviceaccount", "robot", "-n", "team-b", "-o", "jsonpath={.metadata.name}")
        == "robot")
    #expect(
      try get(
        "role", "r", "-n", "team-b", "-o",
        "jsonpath={.rules[0].verbs} {.rules[0].apiGroups} {.rules[0].resources}")
        == "[\"get\"] [\"\"] [\"configmaps\"]")
    #expect(
      try get(
        "rolebinding", "rb", "-n", "team-b", "-o",
        "jsonpath={.roleRef.apiGroup}/{.roleRef.kind}/{.roleRef.name} "
          + "{.subjects[*].kind}:{.subjects[*].namespace}:{.subjects[*].name}")
        == "rbac.authorization.k8s.io/Role/r ServiceAccount:team-b:robot")

    // Malformed protobuf is a 400 naming the decoder's complaint; protobuf of a kind the
    // server has no schema for stays a 415.
    let protobuf = "application/vnd.kubernetes.protobuf"
    let bad = try c.curl(
      "POST", "/api/v1/namespaces/team-b/configmaps", body: "k8s\u{0}\u{0a}\u{7f}", type: protobuf)
    #expect(bad.code == 400, "\(bad)")
    #expect(bad.body.contains("runs past the end"), "\(bad)")
    let org = try c.curl(
      "POST", "/apis/resourcemanager.mooring.dev/v1alpha1/organizations", body: "k8s\u{0}",
      type: protobuf)
    #expect(org.code == 415, "\(org)")
  }
}
