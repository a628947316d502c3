import Foundation
import GRDB
import Objects
import Store
import Testing

/// The labels table holds exactly every object's labels: selectors start from it, and
/// `check` reports a row too many or too few.
@Suite struct StoreLabelRowsTests {
  func labelRows(_ f: StoreFixture) async throws -> [String] {
    try await DatabaseQueue(path: f.path).read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT l.key || '=' || l.value || ' ' || o.name FROM labels l
          JOIN objects o ON o.id = l.obj WHERE o.resource = 'configmaps' ORDER BY 1
          """)
    }
  }

  @Test func relabellingLeavesExactlyTheCurrentLabels() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    var a = try await f.configMap("a", labels: ["tier": "web", "app": "shop"])
    try await f.configMap("b", labels: ["tier": "web"])
    a.labels = ["tier": "db"]
    a = try await f.store.update(a, context: f.admin)
    #expect(try await labelRows(f) == ["tier=db a", "tier=web b"])
    a.labels = ["tier": "web", "app": "shop"]
    _ = try await f.store.update(a, context: f.admin)
    #expect(try await labelRows(f) == ["app=shop a", "tier=web a", "tier=web b"])
    _ = try await f.store.delete(cmKey("b"), options: DeleteOptions(), context: f.admin)
    #expect(try await labelRows(f) == ["app=shop a", "tier=web a"])
    #expect(try f.store.check() == [])
  }

  @Test func checkReportsLabelRowsTooManyOrTooFew() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    try await f.configMap("a", labels: ["tier": "web"])
    try await DatabaseQueue(path: f.path).write { db in
      try db.execute(
        sql: """
          INSERT INTO labels (key, value, obj) SELECT 'tier', 'db', id FROM objects
          WHERE name = 'a'
          """)
      try db.execute(sql: "DELETE FROM labels WHERE key = 'tier' AND value = 'web'")
    }
    #expect(
      try f.store.check().sorted() == [
        "1 label rows that their object no longer has",
        "1 object labels without their label row",
      ])
  }
}
