import Foundation
import Objects
import Store
import TestSupport
import Testing

/// A daemon killed with SIGKILL while it applies a large revision (2,000 ConfigMaps in 200
/// files, of which the new revision prunes 1,000, updates 1,000 and creates 1,000). The
/// store it leaves is at the old revision or at the new one, never between, and the Sync's
/// lastAppliedRevision and inventory agree with the objects; restarted, it finishes the job.
@Suite(.serialized) struct SyncCrashEndToEndTests {
  /// 200 files of 10 ConfigMaps: `cm-<first>` ... `cm-<first + 1999>`, generation `gen`.
  static func write(_ repo: GitWorkspace, first: Int, gen: Int) throws {
    try? repo.remove("load")
    for file in 0..<200 {
      var documents = [String]()
      for i in 0..<10 {
        let n = first + file * 10 + i
        documents.append(
          """
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: cm-\(String(format: "%04d", n))
            namespace: load
            labels: {gen: "\(gen)"}
          data: {index: "\(n)", gen: "\(gen)"}
          """)
      }
      try repo.write(
        "load/file-\(String(format: "%03d", file)).yaml", documents.joined(separator: "\n---\n"))
    }
  }

  static func names(_ range: Range<Int>) -> Set<String> {
    Set(range.map { "cm-\(String(format: "%04d", $0))" })
  }

  /// What the store holds: the Sync's last applied revision, the managed ConfigMaps by
  /// name and generation, and the inventory's size.
  struct Snapshot: CustomStringConvertible {
    var revision: String?
    var names: Set<String>
    var generations: Set<String>
    var inventory: Int

    /// Whether the ConfigMaps are exactly `cm-<range>`, all of generation `gen`.
    func holds(_ range: Range<Int>, gen: Int) -> Bool {
      names == SyncCrashEndToEndTests.names(range) && generations == ["\(gen)"]
    }

    var description: String {
      let sorted = names.sorted()
      return
        "revision \(revision ?? "none"), \(names.count) ConfigMaps \(sorted.first ?? "")...\(sorted.last ?? ""), generations \(generations.sorted()), inventory \(inventory)"
    }
  }

  static func snapshot(_ path: String) async throws -> Snapshot {
    var configuration = SQLiteStore.Configuration()
    configuration.automaticGarbageCollection = false
    let store = try SQLiteStore(path: path, configuration: configuration)
    #expect(try store.check() == [])
    let items = try await store.list(Resources.configMaps, ListOptions(namespace: "load")).items
    let sync = try await store.get(Resources.platformSync)
    return Snapshot(
      revision: sync.lastAppliedRevision, names: Set(items.compactMap(\.name)),
      generations: Set(items.compactMap { $0.value["data"]?["gen"]?.stringValue }),
      inventory: sync.value[path: "status.inventory.entries"]?.listValue?.count ?? -1)
  }

  /// Watches SQLite's write lock on the store from outside (`BEGIN IMMEDIATE` without
  /// waiting) and sends SIGKILL to the daemon once a write transaction has held the lock for
  /// `ms` milliseconds (`during`: inside the big apply), or just after such a transaction
  /// released it (`after`: between the apply and whatever follows it). Status writes hold
  /// the lock for a few milliseconds at most; the apply of a 3,000-object plan for hundreds
  /// (about a second in a debug build).
  static let probe = #"""
    import os, signal, sqlite3, sys, time
    db, pid, mode, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]) / 1000
    con = sqlite3.connect(db, timeout=0, isolation_level=None)
    since, deadline = None, time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            if since is not None and mode == "after" and time.monotonic() - since >= hold:
                os.kill(pid, signal.SIGKILL)
                print("killed after a %.0f ms transaction" % ((time.monotonic() - since) * 1000))
                sys.exit(0)
            since = None
        except sqlite3.OperationalError:
            now = time.monotonic()
            since = since or now
            if mode == "during" and now - since >= hold:
                os.kill(pid, signal.SIGKILL)
                print("killed %.0f ms into a transaction" % ((now - since) * 1000))
                sys.exit(0)
        time.sleep(0.001)
    print("no long transaction seen")
    sys.exit(1)
    """#

  /// Runs the probe against `daemon` until it killed it; returns what it reported.
  static func killWithProbe(_ daemon: MooringDaemon, mode: String, directory: String) throws
    -> String
  {
    let script = directory + "/probe.py"
    try Data(probe.utf8).write(to: URL(fileURLWithPath: script))
    let output = directory + "/probe-\(mode).out"
    let process = try Subprocess(
      "/usr/bin/python3", [script, daemon.storePath, "\(daemon.pid ?? 0)", mode, "30"],
      environment: ProcessInfo.processInfo.environment, standardOutput: output,
      standardError: output + ".err")
    let status = process.wait()
    let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    #expect(status == 0, "the probe did not kill the daemon: \(text)")
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func sigkillMidApplyLeavesOldOrNewRevision() async throws {
    let dir = try ScenarioDirectory("sync-crash")
    defer { dir.remove() }
    let repo = try GitWorkspace(root: dir.path, name: "platform")
    try repo.write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: load}")
    try Self.write(repo, first: 0, gen: 1)
    let first = GitWorkspace.revision(try repo.commit("cm-0000..cm-1999"))
    let server = try await GitDaemonServer(basePath: dir.path + "/served")
    defer { server.stop() }
    let data = dir.path + "/data"
    var daemon = try MooringDaemon(
      dataDirectory: data, log: dir.path + "/mooring-0.log", bootstrap: server.url("platform"))
    defer { daemon.kill() }
    let store = try await daemon.openStore()
    try await Poll.until(store, Resources.platformSync) { $0.lastAppliedRevision == first }
    let initial = try await Self.snapshot(daemon.storePath)
    #expect(initial.holds(0..<2000, gen: 1), "\(initial)")
    #expect(initial.inventory == 2001)

    // Each round pushes a revision that prunes 1,000, updates 1,000 and creates 1,000
    // ConfigMaps, kills the daemon while it applies it (inside the transaction, then right
    // after it), checks what the store holds, and restarts the daemon to finish.
    var old = (revision: first, range: 0..<2000, gen: 1)
    for (round, mode) in ["during", "after"].enumerated() {
      let gen = old.gen + 1
      let range = (old.range.lowerBound + 1000)..<(old.range.upperBound + 1000)
      try Self.write(repo, first: range.lowerBound, gen: gen)
      let new = GitWorkspace.revision(try repo.commit("cm-\(range.lowerBound)..."))
      let report = try Self.killWithProbe(daemon, mode: mode, directory: dir.path)
      #expect(daemon.kill() == 128 + SIGKILL)

      let killed = try await Self.snapshot(daemon.storePath)
      let atOld = killed.revision == old.revision && killed.holds(old.range, gen: old.gen)
      let atNew = killed.revision == new && killed.holds(range, gen: gen)
      #expect(atOld || atNew, "round \(round) (\(report)): \(killed)")
      #expect(killed.inventory == 2001, "round \(round) (\(report))")
      let check = try MooringCommand.run(["store", "check", "--data-dir", data])
      #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

      daemon = try MooringDaemon(
        dataDirectory: data, log: dir.path + "/mooring-\(round + 1).log",
        bootstrap: server.url("platform"))
      let synced = try await Poll.until(store, Resources.platformSync) {
        $0.lastAppliedRevision == new
      }
      #expect(synced.condition("Ready")?["status"] == "True")
      #expect(
        synced.value[path: "status.history"]?.listValue?.first?["revision"]?.stringValue == new)
      let after = try await Self.snapshot(daemon.storePath)
      #expect(after.holds(range, gen: gen), "round \(round): \(after)")
      #expect(after.inventory == 2001)
      old = (new, range, gen)
    }
    #expect(daemon.terminate() == 0)
  }
}
