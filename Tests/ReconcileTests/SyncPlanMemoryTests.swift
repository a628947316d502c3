import Foundation
import Logging
import Objects
import Store
import TestSupport
import Testing

@testable import Reconcile

/// Plans after the first redo only what changed: a file whose blob changed is decoded
/// again, an object is read and admitted again only when its file changed, someone wrote
/// to it, or the admission context moved; everything else stays settled. Real git
/// repository (file:// through libgit2), real SQLite store.
@Suite struct SyncPlanMemoryTests {
  let root: String
  let repo: String
  let store: SQLiteStore
  let loop: ControlLoop
  let logs = LogCapture.Storage()
  let context = WriteContext(actor: "test", source: "test")

  init() async throws {
    root = NSTemporaryDirectory() + "mooring-plan-memory-\(UUID().uuidString)"
    repo = root + "/repo"
    try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
    try GitCLI.run(["init", "-q", "-b", "main", repo], in: root)
    store = try SQLiteStore(path: root + "/store.db")
    let storage = logs
    loop = ControlLoop(
      store: store, dataDirectory: root + "/data",
      logger: Logger(label: "test") { _ in LogCapture(storage: storage) })
    for ns in ["default", "mooring-system"] {
      _ = try await store.create(
        Object(apiVersion: "v1", kind: "Namespace", name: ns), context: context)
    }
  }

  func cleanUp() { try? FileManager.default.removeItem(atPath: root) }

  /// Writes `files` (path: text) to the work tree and commits them.
  func commit(_ files: [String: String]) throws {
    for (path, text) in files {
      try text.write(toFile: repo + "/" + path, atomically: true, encoding: .utf8)
    }
    try GitCLI.run(["add", "-A"], in: repo)
    try GitCLI.run(["commit", "-q", "-m", "change"], in: repo)
  }

  static func configMaps(_ file: Int, value: String = "v") -> String {
    (0..<2).map { i in
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm-\(file)-\(i)
        namespace: apps
      data:
        key: \(value)
      """
    }.joined(separator: "\n---\n")
  }

  func declare() async throws {
    var repository = Object(
      apiVersion: "gitops.mooring.dev/v1alpha1", kind: "GitRepository", name: "config",
      namespace: "mooring-system")
    repository.spec = ["url": .string("file://" + repo), "ref": ["name": "main"], "interval": "1h"]
    var sync = Object(
      apiVersion: "gitops.mooring.dev/v1alpha1", kind: "Sync", name: "config",
      namespace: "mooring-system")
    sync.spec = ["sourceRef": ["kind": "GitRepository", "name": "config"], "interval": "1h"]
    _ = try await store.create(repository, context: context)
    _ = try await store.create(sync, context: context)
  }

  /// Fetches, then reconciles the Sync once; returns the "reconciled" log's metadata.
  func reconcile() async throws -> [String: String] {
    let repoKey = ObjectKey(
      GitRepositoryReconciler.repositories, namespace: "mooring-system", name: "config")
    _ = await loop.repositories.reconcile(try await store.get(repoKey))
    let repository = try await store.get(repoKey)
    let sync = try await store.get(
      ObjectKey(SyncReconciler.syncs, namespace: "mooring-system", name: "config"))
    let before = logs.entries.withLock { $0.count }
    let outcome = await loop.syncs.reconcile(
      sync, repository: repository, mirror: loop.repositories.mirror(for: repository))
    if case .failed(_, let issues) = outcome { Issue.record("reconcile failed: \(issues)") }
    let entry = logs.entries.withLock { $0[before...].last { $0.message == "reconciled" } }
    return try #require(entry?.metadata)
  }

  /// Reconciles the Sync once (no fetch) expecting a failure; returns its issues, or
  /// records that it did not fail.
  func failingReconcile() async throws -> [SyncIssue] {
    let repository = try await store.get(
      ObjectKey(GitRepositoryReconciler.repositories, namespace: "mooring-system", name: "config"))
    let sync = try await store.get(
      ObjectKey(SyncReconciler.syncs, namespace: "mooring-system", name: "config"))
    let outcome = await loop.syncs.reconcile(
      sync, repository: repository, mirror: loop.repositories.mirror(for: repository))
    guard case .failed(_, let issues) = outcome else {
      Issue.record("expected the reconcile to fail, got \(outcome)")
      return []
    }
    return issues
  }

  func configMap(_ name: String) async throws -> Object {
    try await store.get(
      ObjectKey(GroupResource(group: "", resource: "configmaps"), namespace: "apps", name: name))
  }

  @Test func onlyWhatChangedIsPlannedAgain() async throws {
    defer { cleanUp() }
    var files = ["ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n"]
    for f in 0..<3 { files["cm-\(f).yaml"] = Self.configMaps(f) }
    try commit(files)
    try await declare()

    var r = try await reconcile()
    #expect(r["created"] == "7" && r["parsedFiles"] == "4" && r["admitted"] == "7")

    // The same revision again: nothing decoded, read or admitted, nothing written.
    let revision = try await store.currentRevision()
    r = try await reconcile()
    #expect(r["parsedFiles"] == "0" && r["admitted"] == "0" && r["unchanged"] == "7")
    #expect(r["created"] == "0" && r["updated"] == "0" && r["reused"] == "false")
    // Once more: the last plan was clean and nothing moved, so not even the tree's files are
    // read.
    r = try await reconcile()
    #expect(r["reused"] == "true" && r["unchanged"] == "7")

    // One file changes: its two objects are planned, one of them differs.
    try commit(["cm-1.yaml": Self.configMaps(1, value: "w")])
    r = try await reconcile()
    #expect(r["parsedFiles"] == "1" && r["admitted"] == "2" && r["updated"] == "2")
    #expect(try await configMap("cm-1-0").value[path: "data.key"] == "w")
    #expect(try await store.currentRevision() > revision)

    // Someone changes a settled object in the store: that object alone is read again and
    // the drift corrected.
    var drifted = try await configMap("cm-2-1")
    drifted.value["data"] = ["key": "by hand"]
    _ = try await store.update(drifted, context: WriteContext(actor: "alice", source: "kubectl"))
    r = try await reconcile()
    #expect(r["reused"] == "false")
    #expect(r["admitted"] == "1" && r["updated"] == "1" && r["parsedFiles"] == "0")
    #expect(try await configMap("cm-2-1").value[path: "data.key"] == "v")

    // Deleted behind the Sync's back: recreated.
    _ = try await store.delete(
      ObjectKey(
        GroupResource(group: "", resource: "configmaps"), namespace: "apps", name: "cm-0-0"),
      options: DeleteOptions(), context: WriteContext(actor: "alice", source: "kubectl"))
    r = try await reconcile()
    #expect(r["admitted"] == "1" && r["created"] == "1")

    // The admission context moves (a Namespace appears): every object is admitted again.
    _ = try await store.create(
      Object(apiVersion: "v1", kind: "Namespace", name: "other"), context: context)
    r = try await reconcile()
    #expect(r["admitted"] == "7" && r["unchanged"] == "7" && r["parsedFiles"] == "0")
  }

  /// A policy added to the store applies to objects that were settled before it existed.
  @Test func aNewPolicyJudgesSettledObjects() async throws {
    defer { cleanUp() }
    try commit([
      "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
      "cm.yaml": Self.configMaps(0),
    ])
    try await declare()
    _ = try await reconcile()
    var policy = Object(
      apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy",
      name: "no-configmaps")
    policy.spec = [
      "matchConstraints": [
        "resourceRules": [
          [
            "apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
            "resources": ["configmaps"],
          ]
        ]
      ],
      "validations": [["expression": "false", "message": "configmaps are closed"]],
    ]
    var binding = Object(
      apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding",
      name: "no-configmaps")
    binding.spec = ["policyName": "no-configmaps", "validationActions": ["Deny"]]
    _ = try await store.create(policy, context: context)
    _ = try await store.create(binding, context: context)
    let issues = try await failingReconcile()
    #expect(issues.count == 2 && issues.allSatisfy { $0.message.contains("configmaps are closed") })
  }

  /// Policies read their parameters from the store as kube-apiserver does (here a
  /// ConfigMap written by hand, in no Sync's revision), and a change of the parameter
  /// judges the Sync's settled objects again, even with its tree unchanged.
  @Test func policyParametersComeFromTheStore() async throws {
    defer { cleanUp() }
    var policy = Object(
      apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy",
      name: "allowed-key")
    policy.spec = [
      "paramKind": ["apiVersion": "v1", "kind": "ConfigMap"],
      "matchConstraints": [
        "resourceRules": [
          [
            "apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
            "resources": ["configmaps"],
          ]
        ]
      ],
      "validations": [
        [
          "expression": "object.data.key == params.data.allowed",
          "messageExpression": "'key must be ' + params.data.allowed",
        ]
      ],
    ]
    var binding = Object(
      apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding",
      name: "allowed-key")
    binding.spec = [
      "policyName": "allowed-key", "validationActions": ["Deny"],
      "paramRef": [
        "name": "limits", "namespace": "mooring-system", "parameterNotFoundAction": "Deny",
      ],
    ]
    var limits = Object(
      apiVersion: "v1", kind: "ConfigMap", name: "limits", namespace: "mooring-system")
    limits.value["data"] = ["allowed": "v"]
    _ = try await store.create(policy, context: context)
    _ = try await store.create(binding, context: context)
    limits = try await store.create(limits, context: context)
    try commit([
      "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
      "cm.yaml": Self.configMaps(0),
    ])
    try await declare()
    let first = try await reconcile()
    #expect(first["admitted"] == "3", "\(first)")
    #expect(try await configMap("cm-0-0").value["data"]?["key"] == "v")

    limits.value["data"] = ["allowed": "w"]
    _ = try await store.update(limits, context: context)
    let issues = try await failingReconcile()
    #expect(issues.count == 2 && issues.allSatisfy { $0.message.contains("key must be w") })
  }
}
