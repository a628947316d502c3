import GRDB

/// Cheap questions about the change log, for callers that cache what they derived from
/// the store and must know when it went stale (the sync engine's plan cache). Both read
/// the file, so writes by other processes count.
extension SQLiteStore {
  /// The revision committed to the file now (the store's cached revision may lag behind
  /// writes of another process until `refreshFromDisk`).
  public func revisionOnDisk() throws(StoreError) -> Int64 {
    try read { db in
      try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'revision'"))
        ?? 0
    }
  }

  /// The keys of every object written (created, updated, deleted) after `revision`, or nil
  /// when that is unknowable (the history after it was compacted) or more than `limit`:
  /// the caller must then treat everything as changed.
  public func changedKeys(since revision: Int64, limit: Int = 100_000) throws(StoreError)
    -> Set<ObjectKey>?
  {
    try read { db -> Set<ObjectKey>? in
      let compacted =
        try Int64.fetchOne(
          db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'compacted'"))
        ?? 0
      guard revision >= compacted else { return nil }
      let rows = try Row.fetchCursor(
        db.cachedStatement(
          sql: "SELECT grp, resource, namespace, name FROM changes WHERE rv > ? LIMIT ?"),
        arguments: [revision, limit + 1])
      var keys = Set<ObjectKey>()
      var count = 0
      while let row = try rows.next() {
        count += 1
        if count > limit { return nil }
        let namespace: String = row[2]
        keys.insert(
          ObjectKey(
            GroupResource(group: row[0], resource: row[1]),
            namespace: namespace.isEmpty ? nil : namespace, name: row[3]))
      }
      return keys
    }
  }

  /// A mark of the newest change of each resource: equal marks at two moments mean no
  /// object of those resources was written in between (a write always gets a revision
  /// above every earlier one, and a compaction in between changes the mark too, so a
  /// cache keyed by it recomputes rather than serving a stale answer).
  public func changeMark(of resources: [GroupResource]) throws(StoreError) -> ChangeMark {
    try read { db in
      let compacted =
        try Int64.fetchOne(
          db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'compacted'"))
        ?? 0
      let newest = try resources.map { r in
        try Int64.fetchOne(
          db.cachedStatement(sql: "SELECT max(rv) FROM changes WHERE grp = ? AND resource = ?"),
          arguments: [r.group, r.resource]) ?? 0
      }
      return ChangeMark(newest: newest, compacted: compacted)
    }
  }
}

/// See `SQLiteStore.changeMark(of:)`.
public struct ChangeMark: Sendable, Hashable {
  /// Per resource asked about, the revision of its newest change in the log (0: none).
  public var newest: [Int64]
  /// The compacted revision when the mark was taken.
  public var compacted: Int64

  public init(newest: [Int64], compacted: Int64) {
    self.newest = newest
    self.compacted = compacted
  }
}
