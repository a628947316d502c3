import GRDB

/// Where a change's body lives. A change log row that repeated every object's body
/// doubled what a create writes (the object's row and its change row), and the bytes,
/// not the rows, are what a batch of creates pays for. So the row of an object's current
/// revision leaves `data` empty: the object's row holds that body. When the object is
/// updated or deleted, its body is first copied into that row (`keep`), so every row
/// older than the object's current revision holds its own. DELETED rows always do.
enum ChangeBody {
  /// The body of the change row aliased `c`: its own, or the object's row at the same
  /// revision. NULL (refused by `StoredObject.decode`) if neither holds it, which
  /// `SQLiteStore.check()` reports.
  static func column(_ c: String) -> String {
    """
    CASE WHEN length(\(c).data) > 0 THEN \(c).data ELSE (SELECT o.data FROM objects o
    WHERE o.grp = \(c).grp AND o.resource = \(c).resource AND o.namespace = \(c).namespace
    AND o.name = \(c).name AND o.rv = \(c).rv) END
    """
  }

  /// Copies the object's current body into its change row before the object changes.
  /// A row already compacted away is not brought back.
  static func keep(
    _ db: Database, group: String, resource: String, namespace: String, name: String
  ) throws {
    let copy = BoundStatement(
      try db.cachedStatement(
        sql: """
          UPDATE changes SET data = o.data FROM objects o
          WHERE o.grp = ? AND o.resource = ? AND o.namespace = ? AND o.name = ?
          AND changes.rv = o.rv AND length(changes.data) = 0
          """), in: db)
    copy.bind(1, group)
    copy.bind(2, resource)
    copy.bind(3, namespace)
    copy.bind(4, name)
    try copy.run()
  }

  /// Change rows whose body is in neither place: the store's own invariant, broken.
  static func missing(_ db: Database) throws -> Int {
    try Int.fetchOne(
      db,
      sql: """
        SELECT count(*) FROM changes c WHERE length(c.data) = 0 AND NOT EXISTS (
          SELECT 1 FROM objects o WHERE o.grp = c.grp AND o.resource = c.resource
          AND o.namespace = c.namespace AND o.name = c.name AND o.rv = c.rv)
        """) ?? 0
  }
}
