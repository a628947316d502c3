import Foundation
import Objects
import Store
import Testing

/// History rewritten with `git push --force`: the daemon follows the new tip of the branch,
/// prunes what only the dropped commit declared, and returns changed objects to the content
/// of the new history.
@Suite(.serialized) struct SyncForcePushEndToEndTests {
  @Test func followsForcePushAndPrunesDroppedCommit() async throws {
    let dir = try ScenarioDirectory("force-push")
    defer { dir.remove() }
    let repo = try GitWorkspace(root: dir.path, name: "platform")
    try repo.write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}")
    try repo.write(
      "base.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: base, namespace: team}
      data: {version: "1"}
      """)
    let first = try repo.commit("base")
    let server = try await GitDaemonServer(basePath: dir.path + "/served")
    defer { server.stop() }
    let daemon = try MooringDaemon(
      dataDirectory: dir.path + "/data", log: dir.path + "/mooring.log",
      bootstrap: server.url("platform"))
    defer { daemon.kill() }
    let store = try await daemon.openStore()
    try await Poll.until(store, Resources.platformSync) {
      $0.lastAppliedRevision == GitWorkspace.revision(first)
    }

    // A commit that will be dropped: it adds `feature` and changes `base`.
    try repo.write(
      "feature.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: feature, namespace: team}
      data: {enabled: "true"}
      """)
    try repo.write(
      "base.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: base, namespace: team}
      data: {version: "2"}
      """)
    let dropped = try repo.commit("feature")
    try await Poll.until(store, Resources.platformSync) {
      $0.lastAppliedRevision == GitWorkspace.revision(dropped)
    }
    #expect(try await store.get(Resources.configMap("team", "feature")).name == "feature")

    // Rewrite history: reset to the first commit, commit something else, force-push.
    try repo.git(["reset", "-q", "--hard", first])
    try repo.write(
      "rewritten.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: rewritten, namespace: team}
      data: {from: rewritten-history}
      """)
    try repo.git(["add", "-A"])
    try repo.git(["commit", "-q", "-m", "rewritten"])
    try repo.git(["push", "-q", "--force", repo.bare, "main"])
    let rewritten = try repo.head()
    #expect(try repo.git(["-C", repo.bare, "rev-parse", "main"]) == rewritten)

    let synced = try await Poll.until(store, Resources.platformSync) {
      $0.lastAppliedRevision == GitWorkspace.revision(rewritten)
    }
    let source = try await store.get(Resources.platformRepository)
    #expect(source.value[path: "status.artifact.commit.sha"]?.stringValue == rewritten)
    #expect(source.value[path: "status.artifact.commit.message"]?.stringValue == "rewritten")
    // The dropped commit's object is pruned, its change is undone, the new one is there.
    await #expect(throws: StoreError.self) {
      try await store.get(Resources.configMap("team", "feature"))
    }
    #expect(
      try await store.get(Resources.configMap("team", "base")).value["data"]?["version"] == "1")
    #expect(
      try await store.get(Resources.configMap("team", "rewritten")).value["data"]?["from"]
        == "rewritten-history")
    let deletion = try store.audit(
      AuditQuery(resource: Resources.configMaps, namespace: "team", name: "feature", limit: 1))
    #expect(deletion.first?.verb == "delete")
    #expect(deletion.first?.source.hasSuffix(GitWorkspace.revision(rewritten)) == true)
    let entry = synced.value[path: "status.history"]?.listValue?.first
    #expect(entry?["revision"]?.stringValue == GitWorkspace.revision(rewritten))
    #expect(entry?["created"]?.intValue == 1)
    #expect(entry?["updated"]?.intValue == 1)
    #expect(entry?["pruned"]?.intValue == 1)
    let inventory = Set(
      (synced.value[path: "status.inventory.entries"]?.listValue ?? []).compactMap {
        $0["id"]?.stringValue
      })
    #expect(
      inventory == ["_team__Namespace", "team_base__ConfigMap", "team_rewritten__ConfigMap"])

    // Force-push the branch back to an older commit: that is the tip to follow too.
    try repo.git(["push", "-q", "--force", repo.bare, "\(first):refs/heads/main"])
    try await Poll.until(store, Resources.platformSync) {
      $0.lastAppliedRevision == GitWorkspace.revision(first)
    }
    await #expect(throws: StoreError.self) {
      try await store.get(Resources.configMap("team", "rewritten"))
    }
    #expect(
      try await store.get(Resources.configMap("team", "base")).value["data"]?["version"] == "1")
    #expect(daemon.terminate() == 0)
  }
}
