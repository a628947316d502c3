import Foundation
import Objects
import Store
import Testing

@Suite struct StoreMaintenanceTests {
  @Test func checkBackupAndRestore() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    for i in 0..<20 { try await f.configMap("c\(i)", data: ["i": String(i)]) }
    #expect(try f.store.check() == [])
    let backup = f.directory + "/backup.db"
    try f.store.backup(to: backup)
    #expect(throws: StoreError.self) { try f.store.backup(to: backup) }
    let restoredPath = f.directory + "/restored.db"
    try SQLiteStore.restore(from: backup, to: restoredPath)
    let restored = try SQLiteStore(path: restoredPath)
    #expect(try restored.check() == [])
    #expect(try await restored.list(configMaps, ListOptions()).items.count == 20)
    #expect(try await restored.currentRevision() == (try await f.store.currentRevision()))
    // A corrupt file is refused.
    let junk = f.directory + "/junk.db"
    try Data(repeating: 7, count: 8192).write(to: URL(fileURLWithPath: junk))
    #expect(throws: StoreError.self) {
      try SQLiteStore.restore(from: junk, to: f.directory + "/x.db")
    }
  }

  @Test func compactionKeepsLatestStatesAndAudit() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    var cm = try await f.configMap("a")
    for i in 0..<10 {
      cm.value["data"] = ["i": .string(String(i))]
      cm = try await f.store.update(cm, context: f.admin)
    }
    try await f.configMap("b")
    _ = try await f.store.delete(cmKey("b"), options: DeleteOptions(), context: f.admin)
    let removed = try f.store.compact(retainRevisions: 0, batchRevisions: 3)
    // Ten superseded versions of `a`, both changes of `b`.
    #expect(removed == 12)
    #expect(try f.store.compactedRevision() == (try await f.store.currentRevision()))
    #expect(try f.store.audit(AuditQuery(name: "a")).count == 11)
    #expect(try f.store.check() == [])
  }
}
