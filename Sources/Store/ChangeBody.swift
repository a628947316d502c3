import Foundation
import GRDB

/// Where a change's body lives. A change log row that repeated every object's body
/// doubled what a create writes (the object's row and its change row), and the bytes,
/// not the rows, are what a batch of creates pays for. So the row of an object's current
/// revision leaves `data` empty: the object's row holds that body. Before the object's
/// row is updated or deleted, triggers copy its body into that row, so every row older
/// than the object's current revision holds its own; DELETED rows always do. Triggers,
/// not the store's code, so that every writer of the file keeps the rule, an older
/// mooring still running against a migrated file included.
enum ChangeBody {
  /// The body of the change row aliased `c`: its own, or the object's row at the same
  /// revision; an empty blob (which `StoredObject.decode` refuses with an error) if
  /// neither holds it, which `SQLiteStore.check()` reports.
  static func column(_ c: String) -> String {
    """
    CASE WHEN length(\(c).data) > 0 THEN \(c).data ELSE coalesce((SELECT o.data FROM objects o
    WHERE o.id = \(c).obj AND o.rv = \(c).rv), X'') END
    """
  }

  /// The triggers that copy an object's body into its current change row before the
  /// object's row changes or goes, and one that keeps every change row.
  static let triggers = [
    // Since version 5 the log is the audit trail too, and nothing of this mooring deletes
    // a change (compaction empties bodies). An older mooring still running against the
    // file would: its compaction, by key, would delete audit records.
    """
    CREATE TRIGGER IF NOT EXISTS changes_keep_rows BEFORE DELETE ON changes
    BEGIN
      SELECT RAISE(ABORT, 'the change log is the audit trail since store layout 5: restart every mooring process on this store with the new version');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS objects_keep_body_on_update BEFORE UPDATE OF rv, data ON objects
    BEGIN
      UPDATE changes SET data = old.data WHERE rv = old.rv AND length(data) = 0
      AND grp = old.grp AND resource = old.resource AND namespace = old.namespace
      AND name = old.name;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS objects_keep_body_on_delete BEFORE DELETE ON objects
    BEGIN
      UPDATE changes SET data = old.data WHERE rv = old.rv AND length(data) = 0
      AND grp = old.grp AND resource = old.resource AND namespace = old.namespace
      AND name = old.name;
    END
    """,
  ]

  /// The body before the change at revision `rv` of the object whose row id is `obj` (its
  /// previous change's body), if the log still holds that change. For a MODIFIED or
  /// DELETED change: an ADDED change has no previous state, and a reused row id belongs
  /// to an earlier object.
  static func before(_ rv: Int64, obj: Int64, in db: Database) throws -> Data? {
    let previous = try db.cachedStatement(
      sql: """
        SELECT \(column("c")) FROM changes c WHERE c.obj = ? AND c.rv < ?
        ORDER BY c.rv DESC LIMIT 1
        """)
    return try Data.fetchOne(previous, arguments: [obj, rv])
  }

  /// Change rows whose body is in neither place: the store's own invariant, broken. At or
  /// below `compacted`, a deletion's row and a row a later change supersedes have none.
  static func missing(_ db: Database, compacted: Int64) throws -> Int {
    try Int.fetchOne(
      db,
      sql: """
        SELECT count(*) FROM changes c WHERE length(c.data) = 0 AND NOT EXISTS (
          SELECT 1 FROM objects o WHERE o.id = c.obj AND o.rv = c.rv)
        AND NOT (c.rv <= ?1 AND (c.type = 'DELETED' OR EXISTS (
          SELECT 1 FROM changes n WHERE n.obj = c.obj AND n.rv > c.rv AND n.rv <= ?1)))
        """, arguments: [compacted]) ?? 0
  }
}
