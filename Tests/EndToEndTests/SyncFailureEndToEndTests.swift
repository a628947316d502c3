import Foundation
import Objects
import Store
import Testing

/// A tenant repository served over HTTP with basic auth (`git http-backend` on 127.0.0.1),
/// read with the username and password of a Secret the GitRepository's secretRef names.
/// Wrong credentials and an unreachable remote show in the GitRepository's status with
/// their reason, leave the store's managed objects untouched, and never reveal the
/// password in status or logs.
@Suite(.serialized) struct SyncFailureEndToEndTests {
  static let password = "open-sesame-7f3a9c"
  static let wrongPassword = "hunter2-wrong-51be"

  @Test func wrongCredentialsAndUnreachableRemote() async throws {
    let dir = try ScenarioDirectory("sync-failure")
    defer { dir.remove() }
    let app = try GitWorkspace(root: dir.path, name: "app")
    try app.write(
      "config.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: app-config}
      data: {version: "1"}
      """)
    let app1 = try app.commit("app v1")
    let http = try await HTTPGitBackend(
      root: dir.path + "/served", directory: dir.path, basicAuth: "alice:\(Self.password)")
    defer { http.stop() }

    let platform = try GitWorkspace(root: dir.path, name: "platform")
    try platform.write(
      "tenant.yaml",
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: secure}
      ---
      apiVersion: gitops.mooring.dev/v1alpha1
      kind: GitRepository
      metadata: {name: app, namespace: secure}
      spec:
        url: \(http.url("app"))
        ref: {branch: main}
        interval: 1s
        timeout: 5s
        secretRef: {name: app-credentials}
      ---
      apiVersion: gitops.mooring.dev/v1alpha1
      kind: Sync
      metadata: {name: app, namespace: secure}
      spec:
        sourceRef: {kind: GitRepository, name: app}
        path: ""
        interval: 1s
        targetNamespace: secure
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: app-sync, namespace: secure}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
      subjects:
      - {apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:sync:secure:app"}
      """)
    let platform1 = try platform.commit("tenant")
    let daemonServer = try await GitDaemonServer(basePath: dir.path + "/served")
    defer { daemonServer.stop() }
    let daemon = try MooringDaemon(
      dataDirectory: dir.path + "/data", log: dir.path + "/mooring.log",
      bootstrap: daemonServer.url("platform"))
    defer { daemon.kill() }
    let store = try await daemon.openStore()
    try await Poll.until(store, Resources.platformSync) {
      $0.lastAppliedRevision == GitWorkspace.revision(platform1)
    }

    // The Secret is written beside Git, as a secret manager would.
    let admin = WriteContext(actor: "admin@example.com", source: "test")
    var secret = Object(
      apiVersion: "v1", kind: "Secret", name: "app-credentials", namespace: "secure")
    secret.value["type"] = "kubernetes.io/basic-auth"
    secret.value["data"] = [
      "username": .string(Data("alice".utf8).base64EncodedString()),
      "password": .string(Data(Self.password.utf8).base64EncodedString()),
    ]
    secret = try await store.create(secret, context: admin)
    let repoKey = Resources.gitRepository("secure", "app")
    let syncKey = Resources.sync("secure", "app")
    try await Poll.until(store, syncKey) { $0.lastAppliedRevision == GitWorkspace.revision(app1) }
    let applied = try await store.get(Resources.configMap("secure", "app-config"))
    #expect(applied.value["data"]?["version"] == "1")

    // Wrong credentials: the fetch fails with AuthenticationFailed; a pushed change waits.
    secret.value["data"]?["password"] = .string(
      Data(Self.wrongPassword.utf8).base64EncodedString())
    secret = try await store.update(secret, context: admin)
    try app.write(
      "config.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: app-config}
      data: {version: "2"}
      """)
    let app2 = try app.commit("app v2")
    let denied = try await Poll.until(store, repoKey) {
      $0.condition("Ready")?["reason"]?.stringValue == "AuthenticationFailed"
    }
    #expect(denied.condition("Ready")?["status"] == "False")
    #expect(
      denied.value[path: "status.artifact.revision"]?.stringValue == GitWorkspace.revision(app1))
    try await Task.sleep(for: .seconds(2))
    #expect(try await store.get(repoKey).condition("Ready")?["reason"] == "AuthenticationFailed")
    try await expectUntouched(store, applied, lastApplied: app1)

    // An unreachable remote (the server is down, right credentials again): GitOperationFailed.
    http.stop()
    secret.value["data"]?["password"] = .string(Data(Self.password.utf8).base64EncodedString())
    secret = try await store.update(secret, context: admin)
    let unreachable = try await Poll.until(store, repoKey) {
      $0.condition("Ready")?["reason"]?.stringValue == "GitOperationFailed"
    }
    #expect(unreachable.condition("Ready")?["status"] == "False")
    let message = unreachable.condition("Ready")?["message"]?.stringValue ?? ""
    #expect(message.contains("127.0.0.1:\(http.port)"), "the message names the remote: \(message)")
    try await Task.sleep(for: .seconds(2))
    try await expectUntouched(store, applied, lastApplied: app1)

    // The server is back: the waiting change applies.
    try await http.start()
    let recovered = try await Poll.until(store, syncKey) {
      $0.lastAppliedRevision == GitWorkspace.revision(app2)
    }
    #expect(recovered.condition("Ready")?["status"] == "True")
    #expect(
      try await store.get(Resources.configMap("secure", "app-config")).value["data"]?["version"]
        == "2")
    #expect(try await store.get(repoKey).condition("Ready")?["status"] == "True")

    // No password anywhere but in the Secret: not in statuses, events or the log.
    #expect(daemon.terminate() == 0)
    var texts = ["log": daemon.logText()]
    for resource in [
      Resources.gitRepositories, Resources.syncs, GroupResource(group: "", resource: "events"),
    ] {
      for object in (try? await store.list(resource, ListOptions()))?.items ?? [] {
        texts["\(resource.resource)/\(object.name ?? "")"] = JSON.encode(object.value)
      }
    }
    for record in try store.audit(AuditQuery()) {
      texts["audit \(record.revision)"] = record.source + " " + record.actor
    }
    #expect(texts["log"]?.contains("fetch failed") == true)
    for (place, text) in texts {
      for secretText in [Self.password, Self.wrongPassword] {
        #expect(!text.contains(secretText), "a password appears in \(place)")
        let encoded = Data(secretText.utf8).base64EncodedString()
        #expect(!text.contains(encoded), "a base64 password appears in \(place)")
      }
    }
  }

  /// The tenant's ConfigMap and Sync are as they were after the first revision.
  func expectUntouched(
    _ store: SQLiteStore, _ applied: Object, lastApplied: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) async throws {
    let now = try await store.get(Resources.configMap("secure", "app-config"))
    #expect(now.resourceVersion == applied.resourceVersion, sourceLocation: sourceLocation)
    #expect(now.value["data"]?["version"] == "1", sourceLocation: sourceLocation)
    let sync = try await store.get(Resources.sync("secure", "app"))
    #expect(
      sync.lastAppliedRevision == GitWorkspace.revision(lastApplied),
      sourceLocation: sourceLocation)
  }
}
