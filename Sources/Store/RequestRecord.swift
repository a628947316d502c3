import GRDB

/// One API request as the store's audit trail keeps it, reads included: who asked, the
/// verb and object, the answer's status code, how long it took and, for a write, the
/// resourceVersion it produced. Never bodies.
public struct RequestRecord: Sendable, Hashable {
  /// When the request was received, seconds since 1970.
  public var time: Double
  public var user: String
  /// kube's verb: get, list, watch, create, update, patch, delete, deletecollection (or
  /// the HTTP method, lowercased, for paths that are not resources).
  public var verb: String
  /// The resource; nil for other paths (discovery, /healthz, ...).
  public var resource: GroupResource?
  public var subresource: String
  public var namespace: String?
  public var name: String
  /// The request's path and query.
  public var uri: String
  public var code: Int
  /// Seconds.
  public var latency: Double
  /// The resourceVersion a write produced; empty otherwise.
  public var resourceVersion: String

  public init(
    time: Double, user: String, verb: String, resource: GroupResource?, subresource: String = "",
    namespace: String? = nil, name: String = "", uri: String, code: Int, latency: Double,
    resourceVersion: String = ""
  ) {
    self.time = time
    self.user = user
    self.verb = verb
    self.resource = resource
    self.subresource = subresource
    self.namespace = namespace
    self.name = name
    self.uri = uri
    self.code = code
    self.latency = latency
    self.resourceVersion = resourceVersion
  }
}

extension SQLiteStore {
  /// Appends request records in one short transaction (no revision, no watch event).
  public func recordRequests(_ records: [RequestRecord]) throws(StoreError) {
    guard !records.isEmpty else { return }
    try writeMaintenance { db in
      // Bound through SQLite's C API: GRDB's arguments box each of the twelve values of
      // every row, and the trail takes a row per request, reads included.
      let insert = BoundStatement(
        try db.cachedStatement(
          sql: """
            INSERT INTO requests (time, user, verb, grp, resource, subresource, namespace, name,
              uri, code, latency, rv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """), in: db)
      for r in records {
        insert.bind(1, r.time)
        insert.bind(2, r.user)
        insert.bind(3, r.verb)
        insert.bind(4, r.resource?.group ?? "")
        insert.bind(5, r.resource?.resource ?? "")
        insert.bind(6, r.subresource)
        insert.bind(7, r.namespace ?? "")
        insert.bind(8, r.name)
        insert.bind(9, r.uri)
        insert.bind(10, Int64(r.code))
        insert.bind(11, r.latency)
        insert.bind(12, r.resourceVersion)
        try insert.run()
      }
    }
  }

  /// The request trail, newest first; `query.actor` is the user.
  public func requests(_ query: AuditQuery) throws(StoreError) -> [RequestRecord] {
    let (finalSQL, finalArgs) = query.sql(
      select:
        "time, user, verb, grp, resource, subresource, namespace, name, uri, code, latency, rv",
      from: "requests", actorColumn: "user", order: "id")
    return try read { db in
      try Row.fetchAll(db, sql: finalSQL, arguments: finalArgs).map { row in
        let group: String = row[3]
        let resource: String = row[4]
        let ns: String = row[6]
        return RequestRecord(
          time: row[0], user: row[1], verb: row[2],
          resource: resource.isEmpty ? nil : GroupResource(group: group, resource: resource),
          subresource: row[5], namespace: ns.isEmpty ? nil : ns, name: row[7], uri: row[8],
          code: row[9], latency: row[10], resourceVersion: row[11])
      }
    }
  }

  /// Drops request records older than `maxAge` seconds and, beyond the newest
  /// `maxCount`, the oldest, in batches of `batch` rows so writers never wait long.
  /// Returns how many went.
  @discardableResult
  public func trimRequests(maxAge: Double?, maxCount: Int?, batch: Int = 10_000)
    throws(StoreError) -> Int
  {
    let now = configuration.clock()
    let cut = try read { db -> Int64 in
      var cut: Int64 = 0
      if let maxAge {
        cut =
          try Int64.fetchOne(
            db, sql: "SELECT MAX(id) FROM requests WHERE time < ?", arguments: [now - maxAge]) ?? 0
      }
      if let maxCount {
        let byCount =
          try Int64.fetchOne(
            db, sql: "SELECT id FROM requests ORDER BY id DESC LIMIT 1 OFFSET ?",
            arguments: [maxCount]) ?? 0
        cut = max(cut, byCount)
      }
      return cut
    }
    var removed = 0
    while true {
      let n = try writeMaintenance { db in
        try db.execute(
          sql: """
            DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE id <= ?
              ORDER BY id LIMIT ?)
            """, arguments: [cut, batch])
        return db.changesCount
      }
      removed += n
      if n < batch { return removed }
    }
  }
}
