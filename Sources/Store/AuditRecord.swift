import GRDB

/// One write as the audit trail keeps it: who, when, from where, what.
public struct AuditRecord: Sendable, Hashable {
  public var revision: Int64
  /// Seconds since 1970.
  public var time: Double
  public var actor: String
  public var source: String
  /// `create`, `update`, `update/status` or `delete`.
  public var verb: String
  public var key: ObjectKey
  public var uid: String
}

/// Which audit records to read; every condition given must hold.
public struct AuditQuery: Sendable {
  public var resource: GroupResource?
  public var namespace: String?
  public var name: String?
  public var actor: String?
  /// Seconds since 1970, inclusive.
  public var since: Double?
  /// Seconds since 1970, exclusive.
  public var until: Double?
  /// At most this many, newest first (0: all).
  public var limit: Int

  public init(
    resource: GroupResource? = nil, namespace: String? = nil, name: String? = nil,
    actor: String? = nil, since: Double? = nil, until: Double? = nil, limit: Int = 0
  ) {
    self.resource = resource
    self.namespace = namespace
    self.name = name
    self.actor = actor
    self.since = since
    self.until = until
    self.limit = limit
  }
}

extension AuditQuery {
  /// The query over `table`'s columns (grp, resource, namespace, name, time and the
  /// actor's column), newest first by `order`. `lead` is a first condition, with its
  /// arguments.
  func sql(
    select columns: String, from table: String, actorColumn: String, order: String,
    lead: (String, StatementArguments)? = nil
  ) -> (String, StatementArguments) {
    var conditions: [String] = []
    var args: StatementArguments = []
    if let lead {
      conditions.append(lead.0)
      _ = args.append(contentsOf: lead.1)
    }
    func add(_ sql: String, _ value: some DatabaseValueConvertible) {
      conditions.append(sql)
      _ = args.append(contentsOf: [value])
    }
    if let r = resource {
      add("grp = ?", r.group)
      add("resource = ?", r.resource)
    }
    if let namespace { add("namespace = ?", namespace) }
    if let name { add("name = ?", name) }
    if let actor { add("\(actorColumn) = ?", actor) }
    if let since { add("time >= ?", since) }
    if let until { add("time < ?", until) }
    var sql = "SELECT \(columns) FROM \(table)"
    if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
    sql += " ORDER BY \(order) DESC"
    if limit > 0 { sql += " LIMIT \(limit)" }
    return (sql, args)
  }
}

extension AuditQuery {
  /// For one object's history (a resource and a name): the change log rows to read, by
  /// the objects they changed (the log has no index by name): the one stored now, and
  /// those whose DELETED row names them. A whole kind is read along the log's kind index.
  var incarnations: (String, StatementArguments)? {
    guard let resource, let name else { return nil }
    var key = "grp = ? AND resource = ?"
    var args: StatementArguments = [resource.group, resource.resource]
    if let namespace {
      key += " AND namespace = ?"
      _ = args.append(contentsOf: [namespace])
    }
    key += " AND name = ?"
    _ = args.append(contentsOf: [name])
    return (
      """
      c.obj IN (SELECT id FROM objects WHERE \(key)
        UNION SELECT obj FROM changes WHERE type = 'DELETED' AND \(key))
      """, args + args
    )
  }
}

extension SQLiteStore {
  /// The audit trail, newest first: the change log's rows, which compaction keeps (it
  /// drops their bodies).
  public func audit(_ query: AuditQuery) throws(StoreError) -> [AuditRecord] {
    let (finalSQL, finalArgs) = query.sql(
      select:
        "c.rv, c.time, coalesce(w.actor, ''), coalesce(w.source, ''), c.verb, c.grp, c.resource, c.namespace, c.name, c.uid",
      from: "changes c \(query.incarnations == nil ? "" : "INDEXED BY changes_obj ")"
        + "LEFT JOIN writers w ON w.id = c.writer", actorColumn: "w.actor", order: "c.rv",
      lead: query.incarnations)
    return try read { db in
      try Row.fetchAll(db, sql: finalSQL, arguments: finalArgs).map { row in
        let ns: String = row[7]
        return AuditRecord(
          revision: row[0], time: row[1], actor: row[2], source: row[3], verb: row[4],
          key: ObjectKey(
            GroupResource(group: row[5], resource: row[6]), namespace: ns.isEmpty ? nil : ns,
            name: row[8]),
          uid: row[9])
      }
    }
  }
}
