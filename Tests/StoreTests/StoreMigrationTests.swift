import Foundation
import GRDB
import Objects
import Store
import Testing

/// A store file of the first layout (objects keyed by name in a WITHOUT ROWID table, labels
/// keyed by the object's name) opens in the current one with nothing lost.
@Suite struct StoreMigrationTests {
  /// The version 1 tables, as mooring up to 0.x wrote them.
  static let version1 = [
    """
    CREATE TABLE objects (
      grp TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
      uid TEXT NOT NULL, rv INTEGER NOT NULL, deleting INTEGER NOT NULL, data BLOB NOT NULL,
      PRIMARY KEY (grp, resource, namespace, name)) WITHOUT ROWID
    """,
    "CREATE INDEX objects_uid ON objects (uid)",
    "CREATE INDEX objects_deleting ON objects (deleting) WHERE deleting = 1",
    "CREATE INDEX objects_namespace ON objects (namespace)",
    """
    CREATE TABLE labels (
      grp TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
      key TEXT NOT NULL, value TEXT NOT NULL,
      PRIMARY KEY (grp, resource, namespace, name, key)) WITHOUT ROWID
    """,
    "CREATE INDEX labels_kv ON labels (grp, resource, key, value)",
    """
    CREATE TABLE owners (
      owner_uid TEXT NOT NULL, grp TEXT NOT NULL, resource TEXT NOT NULL,
      namespace TEXT NOT NULL, name TEXT NOT NULL,
      PRIMARY KEY (owner_uid, grp, resource, namespace, name)) WITHOUT ROWID
    """,
    """
    CREATE TABLE changes (
      rv INTEGER PRIMARY KEY, type TEXT NOT NULL, grp TEXT NOT NULL, resource TEXT NOT NULL,
      namespace TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, time REAL NOT NULL)
    """,
    "CREATE INDEX changes_key ON changes (grp, resource, namespace, name, rv)",
    """
    CREATE TABLE audit (
      rv INTEGER PRIMARY KEY, time REAL NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL,
      verb TEXT NOT NULL, grp TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL,
      name TEXT NOT NULL, uid TEXT NOT NULL)
    """,
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT INTO meta (key, value) VALUES ('revision', 3), ('compacted', 0), ('schema', 1)",
  ]

  /// Writes a version 1 store: Namespace `default`, ConfigMaps `a` (tier=web) and `b`
  /// (tier=db), at revisions 1-3.
  static func writeVersion1(_ path: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
      for sql in version1 { try db.execute(sql: sql) }
      let rows: [(String, String, String, String, [String: String])] = [
        ("", "namespaces", "", "default", [:]),
        ("", "configmaps", "default", "a", ["tier": "web"]),
        ("", "configmaps", "default", "b", ["tier": "db", "app": "shop"]),
      ]
      for (index, (group, resource, namespace, name, labels)) in rows.enumerated() {
        let rv = index + 1
        var object = Object(
          apiVersion: "v1", kind: resource == "namespaces" ? "Namespace" : "ConfigMap",
          name: name, namespace: namespace.isEmpty ? nil : namespace)
        object.uid = "uid-\(name)"
        object.resourceVersion = String(rv)
        object.labels = labels
        let data = Data(JSON.encodeBytes(object.value))
        try db.execute(
          sql: "INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
          arguments: [group, resource, namespace, name, "uid-\(name)", rv, data])
        for (key, value) in labels {
          try db.execute(
            sql: "INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [group, resource, namespace, name, key, value])
        }
        try db.execute(
          sql: "INSERT INTO changes VALUES (?, 'ADDED', ?, ?, ?, ?, ?, 0)",
          arguments: [rv, group, resource, namespace, name, data])
      }
    }
    try queue.close()
  }

  /// Version 3 kept labels by object, with an index by label; version 4 keys them by label.
  @Test func aVersion3StoreOpensWithItsLabelsKeyedByLabel() async throws {
    let directory = NSTemporaryDirectory() + "mooring-migrate-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/store.db"
    let admin = WriteContext(actor: "admin", source: "test")
    let configMaps = GroupResource(group: "", resource: "configmaps")
    do {
      let store = try SQLiteStore(path: path)
      _ = try await store.create(
        Object(apiVersion: "v1", kind: "Namespace", name: "default"), context: admin)
      for (name, tier) in [("a", "web"), ("b", "db")] {
        var o = Object(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: "default")
        o.labels = ["tier": tier, "app": "shop"]
        _ = try await store.create(o, context: admin)
      }
    }
    // Back to version 3's labels table, rows and all.
    let queue = try DatabaseQueue(path: path)
    try await queue.write { db in
      try db.execute(sql: "ALTER TABLE labels RENAME TO labels_v4")
      try db.execute(
        sql: """
          CREATE TABLE labels (obj INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
          PRIMARY KEY (obj, key)) WITHOUT ROWID
          """)
      try db.execute(sql: "CREATE INDEX labels_kv ON labels (key, value)")
      try db.execute(sql: "INSERT INTO labels SELECT obj, key, value FROM labels_v4")
      try db.execute(sql: "DROP TABLE labels_v4")
      try db.execute(sql: "UPDATE meta SET value = 3 WHERE key = 'schema'")
    }
    try queue.close()

    let store = try SQLiteStore(path: path)
    #expect(try store.check() == [])
    func names(_ selector: String) async throws -> [String] {
      try await store.list(
        configMaps, ListOptions(labelSelector: try LabelSelector(parsing: selector))
      ).items.compactMap(\.name)
    }
    #expect(try await names("tier=web") == ["a"])
    #expect(try await names("app=shop") == ["a", "b"])
    var a = try await store.get(ObjectKey(configMaps, namespace: "default", name: "a"))
    a.labels = ["tier": "db"]
    _ = try await store.update(a, context: admin)
    #expect(try await names("tier=db") == ["a", "b"])
    #expect(try await names("app=shop") == ["b"])
    let reader = try DatabaseQueue(path: path)
    let layout = try await reader.read { db in
      (
        try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'"),
        try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('labels') ORDER BY pk"),
        try db.indexes(on: "labels").map(\.name)
      )
    }
    #expect(layout.0 == 5)
    #expect(layout.1 == ["key", "value", "obj"])
    #expect(layout.2.allSatisfy { $0.hasPrefix("sqlite_autoindex") })
    #expect(try store.check() == [])
  }

  @Test func aVersion1StoreOpensWithItsObjectsAndLabels() async throws {
    let directory = NSTemporaryDirectory() + "mooring-migrate-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/store.db"
    try Self.writeVersion1(path)

    let store = try SQLiteStore(path: path)
    #expect(try store.check() == [])
    #expect(try await store.currentRevision() == 3)
    let configMaps = GroupResource(group: "", resource: "configmaps")
    func names(_ selector: String) async throws -> [String] {
      try await store.list(
        configMaps, ListOptions(labelSelector: try LabelSelector(parsing: selector))
      ).items.compactMap(\.name)
    }
    #expect(try await names("tier=web") == ["a"])
    #expect(try await names("tier in (web,db)") == ["a", "b"])
    #expect(try await names("app=shop") == ["b"])
    let b = try await store.get(ObjectKey(configMaps, namespace: "default", name: "b"))
    #expect(b.uid == "uid-b")

    // Writes after the migration keep labels and selectors right.
    let admin = WriteContext(actor: "admin", source: "test")
    var a = try await store.get(ObjectKey(configMaps, namespace: "default", name: "a"))
    a.labels = ["tier": "db"]
    _ = try await store.update(a, context: admin)
    var c = Object(apiVersion: "v1", kind: "ConfigMap", name: "c", namespace: "default")
    c.labels = ["tier": "web"]
    _ = try await store.create(c, context: admin)
    _ = try await store.delete(
      ObjectKey(configMaps, namespace: "default", name: "b"), options: DeleteOptions(),
      context: admin)
    #expect(try await names("tier=db") == ["a"])
    #expect(try await names("tier=web") == ["c"])
    #expect(try await names("app=shop") == [])
    #expect(try store.check() == [])

    // Opening again finds the current layout and changes nothing.
    let revision = try await store.currentRevision()
    let again = try SQLiteStore(path: path)
    #expect(try await again.currentRevision() == revision)
    #expect(try await again.list(configMaps, ListOptions()).items.compactMap(\.name) == ["a", "c"])
    let reader = try DatabaseQueue(path: path)
    let layout = try await reader.read { db in
      try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'")
    }
    #expect(layout == 5)
  }

  /// Version 4 kept the audit trail in its own table (rows a compaction deleted from the
  /// change log stayed there) and read histories by key; version 5 keeps the trail in
  /// the change log and reads histories by the object's row id.
  @Test func aVersion4StoreOpensWithItsAuditTrailInTheChangeLog() async throws {
    let directory = NSTemporaryDirectory() + "mooring-migrate-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/store.db"
    let admin = WriteContext(actor: "admin", source: "test")
    let sync = WriteContext(actor: "system:sync:team/web", source: "git:repo@sha1:abc")
    let configMaps = GroupResource(group: "", resource: "configmaps")
    func key(_ name: String) -> ObjectKey {
      ObjectKey(configMaps, namespace: "default", name: name)
    }
    func configMap(_ name: String, labels: [String: String] = [:]) -> Object {
      var o = Object(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: "default")
      o.labels = labels
      return o
    }
    let before: [AuditRecord]
    let page: ObjectList
    do {
      let store = try SQLiteStore(path: path)
      _ = try await store.create(
        Object(apiVersion: "v1", kind: "Namespace", name: "default"), context: admin)
      for name in ["a", "b"] { _ = try await store.create(configMap(name), context: admin) }
      var a = try await store.get(key("a"))
      for i in 0..<2 {
        a.value["data"] = ["i": .string(String(i))]
        a = try await store.update(a, context: sync)
      }
      _ = try await store.delete(key("b"), options: DeleteOptions(), context: admin)
      // Revisions 1-6 compacted; b lives again at 7 (team=x), leaves team=x at 8.
      _ = try store.compact(retainRevisions: 0)
      var b = try await store.create(configMap("b", labels: ["team": "x"]), context: admin)
      b.labels = [:]
      _ = try await store.update(b, context: sync)
      _ = try await store.create(configMap("c"), context: admin)
      page = try await store.list(configMaps, ListOptions(limit: 1))
      before = try store.audit(AuditQuery())
    }
    #expect(before.count == 9)
    #expect(page.items.compactMap(\.name) == ["a"])
    // Back to version 4: the audit table, the compacted changes deleted, the index by key.
    let queue = try DatabaseQueue(path: path)
    try await queue.write { db in
      try db.execute(sql: "DROP TRIGGER changes_keep_rows")
      try db.execute(
        sql: """
          CREATE TABLE audit (
            rv INTEGER PRIMARY KEY, time REAL NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL,
            verb TEXT NOT NULL, grp TEXT NOT NULL, resource TEXT NOT NULL,
            namespace TEXT NOT NULL, name TEXT NOT NULL, uid TEXT NOT NULL)
          """)
      try db.execute(sql: "CREATE INDEX audit_object ON audit (grp, resource, namespace, name, rv)")
      try db.execute(
        sql: """
          INSERT INTO audit SELECT c.rv, c.time, w.actor, w.source, c.verb, c.grp, c.resource,
          c.namespace, c.name, c.uid FROM changes c JOIN writers w ON w.id = c.writer
          """)
      try db.execute(
        sql: """
          DELETE FROM changes WHERE length(data) = 0 AND NOT EXISTS (SELECT 1 FROM objects o
          WHERE o.grp = changes.grp AND o.resource = changes.resource
          AND o.namespace = changes.namespace AND o.name = changes.name AND o.rv = changes.rv)
          """)
      for index in [
        "changes_writer", "changes_time", "changes_kind", "changes_obj", "changes_deleted",
      ] {
        try db.execute(sql: "DROP INDEX \(index)")
      }
      try db.execute(
        sql: "CREATE INDEX changes_key ON changes (grp, resource, namespace, name, rv)")
      for column in ["writer", "verb", "uid", "obj"] {
        try db.execute(sql: "ALTER TABLE changes DROP COLUMN \(column)")
      }
      try db.execute(sql: "DROP TABLE writers")
      try db.execute(sql: "UPDATE meta SET value = 4 WHERE key = 'schema'")
    }
    let v4Changes = try await queue.read { db in
      try Int64.fetchAll(db, sql: "SELECT rv FROM changes ORDER BY rv")
    }
    #expect(v4Changes == [1, 5, 7, 8, 9], "the compaction deleted four of nine changes")
    try queue.close()

    let store = try SQLiteStore(path: path)
    #expect(try store.check() == [])
    #expect(try store.audit(AuditQuery()) == before)
    #expect(try store.audit(AuditQuery(actor: sync.actor)).map(\.revision) == [8, 5, 4])
    #expect(
      try store.audit(AuditQuery(resource: configMaps, namespace: "default", name: "b"))
        .map(\.verb) == ["update", "create", "delete", "create"])
    // b's rows of 7 and 8 are one object: leaving team=x at 8 is a DELETED for a
    // watcher of team=x, found from b's state at 7.
    let watch = try await store.watch(
      configMaps, from: 6, ListOptions(labelSelector: try LabelSelector(parsing: "team=x")))
    let events = try await collect(watch, 2)
    #expect(events.map(\.kind) == [.added, .deleted])
    // A page read before the migration continues on the same snapshot.
    var c = try await store.get(key("c"))
    c.value["data"] = ["later": "yes"]
    _ = try await store.update(c, context: admin)
    let rest = try await store.list(
      configMaps, ListOptions(limit: 10, continueToken: try #require(page.continueToken)))
    #expect(rest.items.compactMap(\.name) == ["b", "c"])
    #expect(rest.items.last?.value["data"] == nil)
    // Writes go on, by a writer the file already knows and by a new one.
    _ = try await store.create(configMap("d"), context: admin)
    _ = try await store.create(configMap("e"), context: WriteContext(actor: "carol", source: "api"))
    #expect(try store.audit(AuditQuery(actor: "admin")).count == 8)
    #expect(try store.audit(AuditQuery(actor: "carol")).map(\.key.name) == ["e"])
    #expect(try store.check() == [])
    let reader = try DatabaseQueue(path: path)
    let tables = try await reader.read { db in
      try String.fetchAll(
        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    }
    #expect(!tables.contains("audit") && tables.contains("writers"))
  }
}
