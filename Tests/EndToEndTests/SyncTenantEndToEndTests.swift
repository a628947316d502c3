import Foundation
import Objects
import Store
import Testing

/// Two tenants declared by the platform repository, each with its own repository and a
/// Sync bounded to its own namespace. Tenant B's push into tenant A's namespace is refused
/// as a whole: the status names the file, the line and the namespace, nothing of B's
/// revision is written, and tenant A carries on unaffected.
@Suite(.serialized) struct SyncTenantEndToEndTests {
  /// The platform's declaration of tenant `name`.
  static func tenant(_ name: String, url: String, bound: Bool = true) -> String {
    let binding = """
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: sync-writer, namespace: tenant-\(name)}
      rules:
      - {apiGroups: [""], resources: [configmaps], verbs: [get, list, create, update, delete]}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: sync-writer, namespace: tenant-\(name)}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: sync-writer}
      subjects:
      - {apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:sync:tenant-\(name):config"}

      """
    return """
      apiVersion: v1
      kind: Namespace
      metadata: {name: tenant-\(name)}
      ---
      apiVersion: gitops.mooring.dev/v1alpha1
      kind: GitRepository
      metadata: {name: config, namespace: tenant-\(name)}
      spec: {url: "\(url)", ref: {branch: main}, interval: 1s}
      ---
      apiVersion: gitops.mooring.dev/v1alpha1
      kind: Sync
      metadata: {name: config, namespace: tenant-\(name)}
      spec:
        sourceRef: {kind: GitRepository, name: config}
        path: ""
        interval: 1s
        targetNamespace: tenant-\(name)
        allowedNamespaces: [tenant-\(name)]

      """ + (bound ? binding : "")
  }

  /// A tenant Sync acts as its identity under RBAC: without a binding it writes nothing,
  /// and its status says who may not do what, at which file and line.
  @Test func tenantWithoutBindingWritesNothing() async throws {
    let dir = try ScenarioDirectory("sync-tenant-rbac")
    defer { dir.remove() }
    let server = try await GitDaemonServer(basePath: dir.path + "/served")
    defer { server.stop() }
    let c = try GitWorkspace(root: dir.path, name: "tenant-c")
    try c.write("settings.yaml", Self.settings(owner: "c"))
    let c1 = try c.commit("c1")
    let platform = try GitWorkspace(root: dir.path, name: "platform")
    try platform.write(
      "tenants/c.yaml", Self.tenant("c", url: server.url("tenant-c"), bound: false))
    try platform.commit("tenant c, no binding")
    let daemon = try MooringDaemon(
      dataDirectory: dir.path + "/data", log: dir.path + "/mooring.log",
      bootstrap: server.url("platform"))
    defer { daemon.kill() }
    let store = try await daemon.openStore()
    let syncC = Resources.sync("tenant-c", "config")
    let refused = try await Poll.until(store, syncC) {
      $0.lastAttemptedRevision == GitWorkspace.revision(c1)
    }
    #expect(refused.lastAppliedRevision == nil)
    let errors = refused.value[path: "status.errors"]?.listValue ?? []
    #expect(
      errors.contains {
        $0["file"]?.stringValue == "settings.yaml" && $0["line"]?.intValue == 1
          && ($0["message"]?.stringValue ?? "").contains(
            "User \"system:sync:tenant-c:config\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"tenant-c\""
          )
      }, "\(errors)")
    await #expect(throws: StoreError.self) {
      try await store.get(Resources.configMap("tenant-c", "settings"))
    }
    // Bound by the platform, the same revision applies.
    try platform.write("tenants/c.yaml", Self.tenant("c", url: server.url("tenant-c")))
    try platform.commit("bind tenant c")
    try await Poll.until(store, syncC) { $0.lastAppliedRevision == GitWorkspace.revision(c1) }
    let settings = try await store.get(Resources.configMap("tenant-c", "settings"))
    #expect(settings.value["data"]?["owner"] == "c")
    #expect(daemon.terminate() == 0)
  }

  static func settings(owner: String) -> String {
    """
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings}
    data: {owner: \(owner)}
    """
  }

  @Test func tenantCannotWriteIntoAnotherTenantsNamespace() async throws {
    let dir = try ScenarioDirectory("sync-tenants")
    defer { dir.remove() }
    let server = try await GitDaemonServer(basePath: dir.path + "/served")
    defer { server.stop() }
    let a = try GitWorkspace(root: dir.path, name: "tenant-a")
    try a.write("settings.yaml", Self.settings(owner: "a"))
    let a1 = try a.commit("a1")
    let b = try GitWorkspace(root: dir.path, name: "tenant-b")
    try b.write("settings.yaml", Self.settings(owner: "b"))
    let b1 = try b.commit("b1")
    let platform = try GitWorkspace(root: dir.path, name: "platform")
    try platform.write("tenants/a.yaml", Self.tenant("a", url: server.url("tenant-a")))
    try platform.write("tenants/b.yaml", Self.tenant("b", url: server.url("tenant-b")))
    try platform.commit("tenants")

    let daemon = try MooringDaemon(
      dataDirectory: dir.path + "/data", log: dir.path + "/mooring.log",
      bootstrap: server.url("platform"))
    defer { daemon.kill() }
    let store = try await daemon.openStore()
    let syncA = Resources.sync("tenant-a", "config")
    let syncB = Resources.sync("tenant-b", "config")
    try await Poll.until(store, syncA) { $0.lastAppliedRevision == GitWorkspace.revision(a1) }
    try await Poll.until(store, syncB) { $0.lastAppliedRevision == GitWorkspace.revision(b1) }
    let settingsA = try await store.get(Resources.configMap("tenant-a", "settings"))
    let settingsB = try await store.get(Resources.configMap("tenant-b", "settings"))
    #expect(settingsA.value["data"]?["owner"] == "a")
    #expect(settingsA.annotations["gitops.mooring.dev/owner"] == "tenant-a/config")
    #expect(settingsB.value["data"]?["owner"] == "b")

    // B changes its own object (allowed on its own) and reaches into tenant-a: a new object,
    // A's object, and a cluster-scoped Namespace.
    try b.write("settings.yaml", Self.settings(owner: "b2"))
    try b.write(
      "intrude.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: intruder
        namespace: tenant-a
      data: {from: b}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        namespace: tenant-a
      data: {owner: b}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: tenant-b-extra}
      """)
    let b2 = try b.commit("b2 reaches into a")
    let refused = try await Poll.until(store, syncB) {
      $0.lastAttemptedRevision == GitWorkspace.revision(b2)
    }
    #expect(refused.lastAppliedRevision == GitWorkspace.revision(b1))
    #expect(refused.condition("Ready")?["status"] == "False")
    #expect(refused.condition("Ready")?["reason"] == "ValidationFailed")
    #expect(refused.value[path: "status.sync"] == "OutOfSync")
    let errors = refused.value[path: "status.errors"]?.listValue ?? []
    func error(line: Int) -> String? {
      errors.first {
        $0["file"]?.stringValue == "intrude.yaml" && $0["line"]?.intValue == Int64(line)
      }?["message"]?.stringValue
    }
    #expect(error(line: 5)?.contains("namespace \"tenant-a\"") == true, "\(errors)")
    #expect(error(line: 12)?.contains("namespace \"tenant-a\"") == true, "\(errors)")
    #expect(
      errors.contains {
        $0["file"]?.stringValue == "intrude.yaml" && $0["line"]?.intValue == 16
          && ($0["message"]?.stringValue ?? "").contains("Namespace")
      }, "\(errors)")
    #expect(errors.allSatisfy { $0["file"]?.stringValue == "intrude.yaml" }, "\(errors)")
    let message = refused.condition("Ready")?["message"]?.stringValue ?? ""
    #expect(message.contains("intrude.yaml:"), "\(message)")

    // Nothing of b2 is applied, anywhere.
    try await Task.sleep(for: .seconds(1.5))
    let nowB = try await store.get(Resources.configMap("tenant-b", "settings"))
    #expect(nowB.value["data"]?["owner"] == "b")
    #expect(nowB.resourceVersion == settingsB.resourceVersion)
    await #expect(throws: StoreError.self) {
      try await store.get(Resources.configMap("tenant-a", "intruder"))
    }
    await #expect(throws: StoreError.self) {
      try await store.get(ObjectKey(Resources.namespaces, namespace: nil, name: "tenant-b-extra"))
    }
    let b2Writes = try store.audit(AuditQuery(actor: "system:sync:tenant-b:config")).filter {
      $0.source.hasSuffix(GitWorkspace.revision(b2))
    }
    #expect(b2Writes.isEmpty)

    // A is unaffected, and keeps applying its own changes.
    let nowA = try await store.get(Resources.configMap("tenant-a", "settings"))
    #expect(nowA.resourceVersion == settingsA.resourceVersion)
    #expect(nowA.annotations["gitops.mooring.dev/owner"] == "tenant-a/config")
    let statusA = try await store.get(syncA)
    #expect(statusA.condition("Ready")?["status"] == "True")
    #expect(statusA.value[path: "status.errors"] == nil)
    try a.write("settings.yaml", Self.settings(owner: "a2"))
    let a2 = try a.commit("a2")
    try await Poll.until(store, syncA) { $0.lastAppliedRevision == GitWorkspace.revision(a2) }
    #expect(
      try await store.get(Resources.configMap("tenant-a", "settings")).value["data"]?["owner"]
        == "a2")

    // B withdraws the intrusion: its own change applies.
    try b.remove("intrude.yaml")
    let b3 = try b.commit("b3 stays home")
    let fixed = try await Poll.until(store, syncB) {
      $0.lastAppliedRevision == GitWorkspace.revision(b3)
    }
    #expect(fixed.value[path: "status.errors"] == nil)
    #expect(
      try await store.get(Resources.configMap("tenant-b", "settings")).value["data"]?["owner"]
        == "b2")
    #expect(daemon.terminate() == 0)
  }
}
