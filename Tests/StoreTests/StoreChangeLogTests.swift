import Objects
import Store
import Testing

/// The change-log questions caches ask: which keys were written since a revision, and
/// whether any object of some kinds was written between two moments.
@Suite struct StoreChangeLogTests {
  @Test func changedKeysSinceARevision() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    try await f.configMap("a")
    let start = try f.store.revisionOnDisk()
    #expect(start == (try await f.store.currentRevision()))
    #expect(try f.store.changedKeys(since: start) == [])
    try await f.configMap("b")
    _ = try await f.store.delete(cmKey("a"), options: DeleteOptions(), context: f.admin)
    #expect(try f.store.changedKeys(since: start) == [cmKey("a"), cmKey("b")])
    #expect(try f.store.changedKeys(since: start, limit: 1) == nil)
    // History compacted past the revision asked about: unknowable.
    _ = try f.store.compact(retainRevisions: 1)
    #expect(try f.store.changedKeys(since: start) == nil)
  }

  @Test func changeMarkMovesOnlyForItsKinds() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let mark = try f.store.changeMark(of: [namespaces])
    try await f.configMap("a")
    #expect(try f.store.changeMark(of: [namespaces]) == mark)
    #expect(try f.store.changeMark(of: [configMaps]) != mark)
    try await f.namespace("other")
    #expect(try f.store.changeMark(of: [namespaces]) != mark)
    let before = try f.store.changeMark(of: [namespaces])
    _ = try f.store.compact(retainRevisions: 1)
    #expect(try f.store.changeMark(of: [namespaces]) != before)
  }
}
