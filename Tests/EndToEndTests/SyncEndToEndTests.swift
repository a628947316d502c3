import Foundation
import Objects
import Store
import TestSupport
import Testing

/// The daemon against a real repository served by `git daemon` on 127.0.0.1, changed with
/// the git command line: first sync, a change, a broken push that applies nothing, the fix,
/// prune, and rollback by `git revert`.
@Suite(.serialized) struct SyncEndToEndTests {
  @Test func syncLifecycleOverGitDaemon() async throws {
    let root = NSTemporaryDirectory() + "mooring-sync-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let bare = root + "/served/platform.git"
    let work = root + "/work"
    try FileManager.default.createDirectory(
      atPath: root + "/served", withIntermediateDirectories: true)
    try git(["init", "-q", "--bare", "-b", "main", bare], in: root)
    try git(["init", "-q", "-b", "main", work], in: root)
    try write(
      work + "/ns.yaml",
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: team-a}
      """)
    try write(
      work + "/apps/config.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: app, namespace: team-a}
      data: {mode: blue}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: extra, namespace: team-a}
      data: {keep: "no"}
      """)
    try write(
      work + "/policy.yaml",
      """
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: no-red}
      spec:
        failurePolicy: Fail
        matchConstraints:
          resourceRules:
          - {apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE, UPDATE]}
        validations:
        - expression: "!has(object.data) || !('mode' in object.data) || object.data.mode != 'red'"
          message: red mode is forbidden
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicyBinding
      metadata: {name: no-red}
      spec: {policyName: no-red, validationActions: [Deny]}
      """)
    let first = try commit(work, "first", bare)

    let port = try freePort()
    let env = ProcessInfo.processInfo.environment
    let execPath = try git(["--exec-path"], in: root).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let daemon = try Subprocess(
      execPath + "/git-daemon",
      [
        "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(port)",
        "--base-path=\(root)/served", "\(root)/served",
      ], environment: env)
    defer { daemon.kill() }
    try await Task.sleep(for: .milliseconds(300))

    let data = root + "/data"
    let log = root + "/mooring.log"
    let mooring = try Subprocess(
      MooringProcess.binary,
      [
        "serve", "--data-dir", data, "--bootstrap", "git://127.0.0.1:\(port)/platform.git",
        "--bootstrap-interval", "1s", "--log-format", "json", "--listen", "127.0.0.1:0",
      ], environment: env, standardError: log)
    var stopped = false
    defer { if !stopped { mooring.kill() } }

    for _ in 0..<100 where !FileManager.default.fileExists(atPath: data + "/store.db") {
      try await Task.sleep(for: .milliseconds(100))
    }
    try await Task.sleep(for: .milliseconds(200))
    let store = try SQLiteStore(path: data + "/store.db")
    let syncKey = ObjectKey(
      GroupResource(group: "gitops.mooring.dev", resource: "syncs"), namespace: "mooring-system",
      name: "platform")
    let cms = GroupResource(group: "", resource: "configmaps")

    // First sync.
    let s1 = try await waitFor(store, syncKey) {
      $0.value[path: "status.lastAppliedRevision"]?.stringValue == "main@sha1:\(first)"
    }
    #expect(s1.value[path: "status.sync"] == "Synced")
    // The API says ready once the bootstrap Sync synced, and counts reconciles.
    let api = try String(contentsOfFile: data + "/api-address", encoding: .utf8)
    let token = try String(contentsOfFile: data + "/admin.token", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let ready = try KubectlEndToEndTests.run("/usr/bin/curl", ["-sk", api + "/readyz"])
    #expect(ready.stdout == "ok", "\(ready)")
    let metrics = try KubectlEndToEndTests.run(
      "/usr/bin/curl", ["-sk", "-H", "Authorization: Bearer \(token)", api + "/metrics"])
    #expect(
      metrics.stdout.contains(
        "mooring_sync_reconcile_duration_seconds_count{sync=\"mooring-system/platform\",result=\"applied\"}"
      ), "\(metrics.stdout.prefix(2000))")
    #expect(
      metrics.stdout.contains(
        "mooring_sync_info{sync=\"mooring-system/platform\",state=\"Synced\",ready=\"True\"} 1"))
    let app = try await store.get(ObjectKey(cms, namespace: "team-a", name: "app"))
    #expect(app.value["data"]?["mode"] == "blue")
    #expect(app.annotations["gitops.mooring.dev/owner"] == "mooring-system/platform")
    let rv1 = app.resourceVersion

    // A change; the unchanged objects keep their resourceVersion.
    try write(
      work + "/apps/config.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: app, namespace: team-a}
      data: {mode: green}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: extra, namespace: team-a}
      data: {keep: "no"}
      """)
    let extraBefore = try await store.get(ObjectKey(cms, namespace: "team-a", name: "extra"))
    let second = try commit(work, "green", bare)
    _ = try await waitFor(store, syncKey) {
      $0.value[path: "status.lastAppliedRevision"]?.stringValue == "main@sha1:\(second)"
    }
    let app2 = try await store.get(ObjectKey(cms, namespace: "team-a", name: "app"))
    #expect(app2.value["data"]?["mode"] == "green")
    #expect(app2.resourceVersion != rv1)
    #expect(
      try await store.get(ObjectKey(cms, namespace: "team-a", name: "extra")).resourceVersion
        == extraBefore.resourceVersion)
    let audit = try store.audit(
      AuditQuery(resource: cms, namespace: "team-a", name: "app", limit: 1))
    #expect(audit.first?.source.hasSuffix("main@sha1:\(second)") == true)

    // A broken push: a YAML error in one file and a policy denial in another. Nothing applies.
    try write(work + "/apps/broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n")
    try write(
      work + "/apps/config.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: app, namespace: team-a}
      data: {mode: red}
      """)
    let broken = try commit(work, "broken", bare)
    let s3 = try await waitFor(store, syncKey) {
      $0.value[path: "status.lastAttemptedRevision"]?.stringValue == "main@sha1:\(broken)"
    }
    #expect(s3.value[path: "status.lastAppliedRevision"]?.stringValue == "main@sha1:\(second)")
    let errors = s3.value[path: "status.errors"]?.listValue ?? []
    let files = Set(errors.compactMap { $0["file"]?.stringValue })
    #expect(files == ["apps/broken.yaml", "apps/config.yaml"])
    #expect(
      errors.contains { ($0["message"]?.stringValue ?? "").contains("red mode is forbidden") })
    #expect(errors.allSatisfy { $0["line"]?.intValue != nil })
    #expect(
      try await store.get(ObjectKey(cms, namespace: "team-a", name: "app")).value["data"]?["mode"]
        == "green")
    #expect(try await store.get(ObjectKey(cms, namespace: "team-a", name: "extra")).name == "extra")

    // The fix.
    try FileManager.default.removeItem(atPath: work + "/apps/broken.yaml")
    try write(
      work + "/apps/config.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: app, namespace: team-a}
      data: {mode: yellow}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: extra, namespace: team-a}
      data: {keep: "no"}
      """)
    let fixed = try commit(work, "fix", bare)
    let s4 = try await waitFor(store, syncKey) {
      $0.value[path: "status.lastAppliedRevision"]?.stringValue == "main@sha1:\(fixed)"
    }
    #expect(s4.value[path: "status.errors"] == nil)
    #expect(
      try await store.get(ObjectKey(cms, namespace: "team-a", name: "app")).value["data"]?["mode"]
        == "yellow")

    // `extra` leaves Git: pruned.
    try write(
      work + "/apps/config.yaml",
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: app, namespace: team-a}
      data: {mode: yellow}
      """)
    let pruned = try commit(work, "drop extra", bare)
    _ = try await waitFor(store, syncKey) {
      $0.value[path: "status.lastAppliedRevision"]?.stringValue == "main@sha1:\(pruned)"
    }
    await #expect(throws: StoreError.self) {
      try await store.get(ObjectKey(cms, namespace: "team-a", name: "extra"))
    }

    // Rollback by reverting that commit: `extra` returns.
    try git(["revert", "--no-edit", "HEAD"], in: work)
    try git(["push", "-q", bare, "main"], in: work)
    let reverted = try git(["rev-parse", "HEAD"], in: work).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let s5 = try await waitFor(store, syncKey) {
      $0.value[path: "status.lastAppliedRevision"]?.stringValue == "main@sha1:\(reverted)"
    }
    #expect(
      try await store.get(ObjectKey(cms, namespace: "team-a", name: "extra")).value["data"]?["keep"]
        == "no")
    let history = s5.value[path: "status.history"]?.listValue ?? []
    #expect(history.count == 5)
    #expect(history.first?["message"]?.stringValue == "Revert \"drop extra\"")
    #expect(history.first?["created"]?.intValue == 1)

    // `mooring status` reads the store beside the running daemon.
    let status = try MooringProcess.run(["status", "--data-dir", data])
    #expect(status.status == 0)
    #expect(status.stdout.contains("main@sha1:\(reverted)"))
    // Events: applied revisions, the prune, the refused revision.
    let events = try await store.list(
      GroupResource(group: "", resource: "events"), ListOptions(namespace: "mooring-system"))
    let reasons = Set(events.items.compactMap { $0.value["reason"]?.stringValue })
    #expect(
      reasons.isSuperset(of: ["ReconciliationSucceeded", "ReconciliationFailed", "Pruned"]),
      "\(reasons)")
    let failed = events.items.first { $0.value["reason"] == "ReconciliationFailed" }
    #expect(failed?.value["type"] == "Warning")
    #expect(failed?.value[path: "involvedObject.name"] == "platform")
    // `mooring history`: newest first, with the commit message and the counts.
    let shown = try MooringProcess.run(["history", "platform", "--data-dir", data])
    #expect(shown.status == 0, "\(shown)")
    let lines = shown.stdout.split(separator: "\n")
    #expect(lines.first?.hasPrefix("REVISION") == true)
    #expect(lines.dropFirst().first?.hasPrefix("main@sha1:\(reverted)") == true, "\(shown.stdout)")
    #expect(lines.dropFirst().first?.hasSuffix("Revert \"drop extra\"") == true)
    #expect(lines.count == history.count + 1)

    // SIGTERM: a clean shutdown.
    kill(mooring.pid, SIGTERM)
    #expect(mooring.wait() == 0)
    stopped = true
    let logText = try String(contentsOfFile: log, encoding: .utf8)
    #expect(logText.contains("\"message\":\"mooring stopped\""))
  }

  /// Polls the store until `condition` holds for the object at `key` (at most 20 s).
  func waitFor(_ store: SQLiteStore, _ key: ObjectKey, _ condition: (Object) -> Bool) async throws
    -> Object
  {
    var last: Object?
    for _ in 0..<200 {
      if let object = try? await store.get(key) {
        last = object
        if condition(object) { return object }
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("timed out; last state: \(last.map { JSON.encode($0.value) } ?? "none")")
    throw StoreError.notFound(key)
  }

  func write(_ path: String, _ text: String) throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
  }

  @discardableResult
  func git(_ args: [String], in dir: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    p.arguments = ["-c", "user.name=Test Author", "-c", "user.email=author@example.com"] + args
    p.currentDirectoryURL = URL(fileURLWithPath: dir)
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
      throw StoreError.storage("git \(args.joined(separator: " ")) failed")
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// Commits everything in `work` and pushes it to `bare`; returns the commit.
  func commit(_ work: String, _ message: String, _ bare: String) throws -> String {
    try git(["add", "-A"], in: work)
    try git(["commit", "-q", "-m", message], in: work)
    try git(["push", "-q", bare, "main"], in: work)
    return try git(["rev-parse", "HEAD"], in: work).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func freePort() throws -> Int {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [
      "python3", "-c",
      "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])",
    ]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Int(
      String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 9418
  }
}
