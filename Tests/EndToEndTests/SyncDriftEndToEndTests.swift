import Foundation
import Objects
import Store
import Testing

/// Drift made by writing a managed object straight into the store file while the daemon
/// runs. With `spec.drift: report` the Sync's status lists the object, its changed field
/// paths and who changed them, and `mooring drift` shows them with a unified diff and exits
/// 1; with `correct` the daemon restores Git's content and `mooring drift` finds nothing.
@Suite(.serialized) struct SyncDriftEndToEndTests {
  static func appsSync(drift: String) -> String {
    """
    apiVersion: gitops.mooring.dev/v1alpha1
    kind: Sync
    metadata: {name: apps, namespace: mooring-system}
    spec:
      sourceRef: {kind: GitRepository, name: platform}
      path: apps
      interval: 1h  # drift is found from the store's changes, not by polling
      drift: \(drift)
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: apps-sync}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    subjects:
    - {apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:sync:mooring-system:apps"}
    """
  }

  @Test func reportThenCorrectDrift() async throws {
    let dir = try ScenarioDirectory("sync-drift")
    defer { dir.remove() }
    let repo = try GitWorkspace(root: dir.path, name: "platform")
    try repo.write("platform/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}")
    try repo.write("platform/apps.yaml", Self.appsSync(drift: "report"))
    try repo.write(
      "apps/config.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: app
        namespace: team
        labels: {tier: web}
      data:
        mode: blue
        size: "3"
      """)
    let server = try await GitDaemonServer(basePath: dir.path + "/served")
    defer { server.stop() }
    // A managed object whose status the daemon rewrites every second.
    try repo.write(
      "apps/source.yaml",
      """
      apiVersion: gitops.mooring.dev/v1alpha1
      kind: GitRepository
      metadata: {name: extra, namespace: team}
      spec: {url: "\(server.url("platform"))", ref: {branch: main}, interval: 1s}
      """)
    let first = try repo.commit("platform and apps")
    let data = dir.path + "/data"
    let daemon = try MooringDaemon(
      dataDirectory: data, log: dir.path + "/mooring.log", bootstrap: server.url("platform"),
      bootstrapPath: "platform")
    defer { daemon.kill() }
    let store = try await daemon.openStore()
    let appsKey = Resources.sync("mooring-system", "apps")
    let appKey = Resources.configMap("team", "app")
    // One CI run of five timed out here (the apps Sync never appeared) and it did not
    // happen again: the daemon's log goes with such a failure.
    let applied = try? await Poll.until(store, appsKey) {
      $0.lastAppliedRevision == GitWorkspace.revision(first)
    }
    guard applied != nil else {
      Issue.record("the daemon's log:\n\(daemon.logText().suffix(6_000))")
      return
    }
    let clean = try MooringCommand.run(["drift", "--data-dir", data])
    #expect(clean.status == 0, "\(clean.stderr)")
    #expect(clean.stdout == "no drift\n")

    // Report mode: alice edits the object in the store; the daemon reports, changes nothing.
    var edited = try await store.get(appKey)
    edited.value["data"]?["mode"] = "red"
    edited.value["data"]?["extra"] = "added"
    edited = try await store.update(
      edited, context: WriteContext(actor: "alice@example.com", source: "kubectl edit"))
    let sourceKey = Resources.gitRepository("team", "extra")
    // The source controller rewrites this object's status every second: a read-modify-write
    // retries on Conflict, as kubectl edit and client-go's RetryOnConflict do.
    var source = try await store.get(sourceKey)
    for attempt in 1...5 {
      source.value["spec"]?["timeout"] = "30s"
      var failure: (any Error)?
      do {
        source = try await store.update(
          source, context: WriteContext(actor: "alice@example.com", source: "kubectl edit"))
      } catch {
        failure = error
      }
      guard let failure else { break }
      guard case .conflict? = failure as? StoreError, attempt < 5 else { throw failure }
      source = try await store.get(sourceKey)
    }
    // The source controller keeps writing the GitRepository's status meanwhile.
    try await Poll.until(store, sourceKey) {
      $0.value[path: "status.observedGeneration"]?.intValue == source.generation
    }
    try await Task.sleep(for: .seconds(1.5))
    let reported = try await Poll.until(store, appsKey) {
      $0.value[path: "status.drift"]?.listValue?.count == 2
    }
    let drift = reported.value[path: "status.drift"]?.listValue ?? []
    let appDrift = drift.first { $0["id"] == "team_app__ConfigMap" }
    let fields = Set((appDrift?["fields"]?.listValue ?? []).compactMap(\.stringValue))
    #expect(fields == ["data.mode", "data.extra"])
    #expect(appDrift?["changedBy"] == "alice@example.com")
    let sourceDrift = drift.first { $0["id"] == "team_extra_gitops.mooring.dev_GitRepository" }
    #expect(sourceDrift?["fields"] == ["spec.timeout"])
    #expect(
      sourceDrift?["changedBy"] == "alice@example.com",
      "status writes by controllers are not changes of content")
    #expect(reported.value[path: "status.sync"] == "OutOfSync")
    let stillEdited = try await store.get(appKey)
    #expect(stillEdited.resourceVersion == edited.resourceVersion)
    #expect(stillEdited.value["data"]?["mode"] == "red")

    // `mooring drift`: exit 1, the paths, who, and a unified diff of desired against live.
    let text = try MooringCommand.run(["drift", "--data-dir", data])
    let json = try MooringCommand.run(["drift", "apps", "--data-dir", data, "-o", "json"])
    #expect(text.status == 1, "\(text.stderr)")
    let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    #expect(lines.first == "Sync mooring-system/apps: ConfigMap team/app drifted")
    #expect(lines.contains("  changed by: alice@example.com"))
    #expect(lines.contains("    data.mode"))
    #expect(lines.contains("    data.extra"))
    #expect(lines.contains("--- desired (git)"))
    #expect(lines.contains("+++ live"))
    #expect(lines.contains { $0.hasPrefix("@@ -") })
    #expect(lines.contains("-  mode: blue"), "\(text.stdout)")
    #expect(lines.contains("+  mode: red"), "\(text.stdout)")
    #expect(lines.contains("+  extra: added"), "\(text.stdout)")
    let removed = lines.firstIndex(of: "-  mode: blue") ?? .max
    #expect(removed < (lines.firstIndex(of: "+  mode: red") ?? -1), "diff(1) order")
    #expect(lines.contains("   size: \"3\"") || lines.contains("   size: '3'"), "\(text.stdout)")
    #expect(!lines.contains { $0.hasPrefix("-") && $0.contains("tier") })

    // The same report through the daemon's API (a kubeconfig from `mooring kubeconfig`):
    // the desired side comes from the daemon's `syncs/manifests` subresource.
    let kubeconfig = dir.path + "/kubeconfig"
    let config = try MooringCommand.run(["kubeconfig", "--data-dir", data])
    try config.stdout.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
    let remote = try MooringCommand.run(["drift", "--kubeconfig", kubeconfig])
    #expect(remote.status == 1, "\(remote.stderr)")
    #expect(remote.stdout == text.stdout, "\(remote.stdout)\n\(remote.stderr)")
    let remoteStatus = try MooringCommand.run(["status", "apps", "--kubeconfig", kubeconfig])
    #expect(remoteStatus.status == 0, "\(remoteStatus.stderr)")
    #expect(remoteStatus.stdout.contains("OutOfSync"), "\(remoteStatus.stdout)")
    let remoteHistory = try MooringCommand.run(
      ["history", "mooring-system/apps", "--kubeconfig", kubeconfig, "-o", "json"])
    #expect(remoteHistory.status == 0, "\(remoteHistory.stderr)")
    let entries = try JSON.decode(remoteHistory.stdout).listValue ?? []
    #expect(entries.first?["revision"]?.stringValue == GitWorkspace.revision(first))
    let address = try String(contentsOfFile: data + "/api-address", encoding: .utf8)
    let stranger = try MooringCommand.run([
      "drift", "--server", address, "--certificate-authority", data + "/serving.crt",
      "--token", "not-a-token",
    ])
    #expect(stranger.status == 2, "an error: \(stranger.stdout)")
    #expect(stranger.stderr.contains("401"), "\(stranger.stderr)")
    // --server with a trailing slash (as kubeconfigs often write it), the CA and a token.
    let token = try String(contentsOfFile: data + "/admin.token", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let byURL = try MooringCommand.run([
      "status", "apps", "--server", address.trimmingCharacters(in: .whitespacesAndNewlines) + "/",
      "--certificate-authority", data + "/serving.crt", "--token", token,
    ])
    #expect(byURL.status == 0, "\(byURL.stderr)")
    #expect(byURL.stdout.contains("OutOfSync"), "\(byURL.stdout)")
    let noConfig = try MooringCommand.run(["status", "--kubeconfig", dir.path + "/missing"])
    #expect(noConfig.status != 0)
    #expect(noConfig.stderr.contains("cannot read kubeconfig"), "\(noConfig.stderr)")
    let untrusted = try MooringCommand.run(["status", "--server", address])
    #expect(untrusted.status != 0)
    #expect(untrusted.stderr.contains("--certificate-authority"), "\(untrusted.stderr)")
    let requested = try MooringCommand.run(["reconcile", "apps", "--kubeconfig", kubeconfig])
    #expect(requested.status == 0, "\(requested.stderr)")
    let marked = try await store.get(appsKey)
    #expect(marked.annotations["gitops.mooring.dev/reconcile-requested-at"] != nil)
    #expect(marked.value[path: "status.drift"]?.listValue?.count == 2, "still reported")

    #expect(json.status == 1, "\(json.stderr)")
    let reports = try JSON.decode(json.stdout).listValue ?? []
    #expect(reports.count == 2)
    #expect(reports.first?["sync"] == "mooring-system/apps")
    #expect(reports.first?["changedBy"] == "alice@example.com")
    #expect(reports.first?["diff"]?.stringValue?.contains("+  mode: red") == true)
    let status = try MooringCommand.run(["status", "mooring-system/apps", "--data-dir", data])
    #expect(status.status == 0)
    #expect(status.stdout.contains("OutOfSync"), "\(status.stdout)")
    let detected = try await store.list(
      GroupResource(group: "", resource: "events"), ListOptions(namespace: "mooring-system")
    ).items.first { $0.value["reason"] == "DriftDetected" }
    #expect(detected?.value["type"] == "Warning")
    #expect(detected?.value["message"]?.stringValue?.contains("alice@example.com") == true)
    let other = try MooringCommand.run(["drift", "platform", "--data-dir", data])
    #expect(other.status == 0, "the platform Sync did not drift: \(other.stdout)")
    let missing = try MooringCommand.run(["drift", "no-such-sync", "--data-dir", data])
    #expect(missing.status == 2, "an error: \(missing.stderr)")
    #expect(missing.stderr.contains("no-such-sync"))

    // Correct mode, set in Git: the daemon restores Git's content at once.
    try repo.write("platform/apps.yaml", Self.appsSync(drift: "correct"))
    let second = try repo.commit("correct drift")
    try await Poll.until(store, Resources.platformSync) {
      $0.lastAppliedRevision == GitWorkspace.revision(second)
    }
    let corrected = try await Poll.until(store, appKey) {
      $0.value["data"]?["mode"] == "blue"
    }
    #expect(corrected.value["data"]?["extra"] == nil)
    try await Poll.until(store, sourceKey) { $0.spec?["timeout"] == nil }
    #expect(corrected.value["data"]?["size"] == "3")
    let writer = try store.audit(
      AuditQuery(resource: Resources.configMaps, namespace: "team", name: "app", limit: 1))
    #expect(writer.first?.actor == "system:sync:mooring-system:apps")
    let settled = try await store.get(appsKey)
    #expect(settled.value[path: "status.drift"] == nil)
    #expect(settled.value[path: "status.sync"] == "Synced")
    let none = try MooringCommand.run(["drift", "--data-dir", data])
    #expect(none.status == 0, "\(none.stdout)")
    #expect(none.stdout == "no drift\n")

    // Another edit in correct mode, by bob: undone within moments.
    var again = try await store.get(appKey)
    again.value["data"]?["mode"] = "green"
    again = try await store.update(
      again, context: WriteContext(actor: "bob@example.com", source: "kubectl edit"))
    let restored = try await Poll.until(store, appKey, seconds: 10) {
      $0.value["data"]?["mode"] == "blue"
    }
    #expect(restored.resourceVersion != again.resourceVersion)
    let trail = try store.audit(
      AuditQuery(resource: Resources.configMaps, namespace: "team", name: "app", limit: 2))
    #expect(trail.map(\.actor) == ["system:sync:mooring-system:apps", "bob@example.com"])
    let after = try MooringCommand.run(["drift", "--data-dir", data])
    #expect(after.status == 0, "\(after.stdout)")
    #expect(after.stdout == "no drift\n")
    // Corrections re-apply the same revision: its history entry counts them, the history
    // keeps one entry per revision.
    let history = try await store.get(appsKey).value[path: "status.history"]?.listValue ?? []
    let revisions = history.compactMap { $0["revision"]?.stringValue }
    #expect(revisions.first == GitWorkspace.revision(second), "\(revisions)")
    #expect(zip(revisions, revisions.dropFirst()).allSatisfy { $0 != $1 }, "\(revisions)")
    #expect((history.first?["reapplied"]?.intValue ?? 0) >= 1, "\(history.first ?? nil)")
    let correctedEvent = try await store.list(
      GroupResource(group: "", resource: "events"), ListOptions(namespace: "mooring-system")
    ).items.first { $0.value["reason"] == "DriftCorrected" }
    #expect(correctedEvent?.value["message"]?.stringValue?.contains("bob@example.com") == true)
    #expect(daemon.terminate() == 0)
    let corrections = daemon.logText().split(separator: "\n").filter {
      $0.contains("\"message\":\"drift corrected\"")
    }
    #expect(corrections.contains { $0.contains("bob@example.com") && $0.contains("data.mode") })
  }
}
