import Foundation
import GRDB
import Objects

/// One page of a list, read on one snapshot. The first page is read at the current
/// revision; a continued page is read at the revision of its token, reconstructing from
/// the change log the state of every object changed since, so all pages of a listing
/// are one consistent snapshot (or Expired once that history is compacted).
struct ListQuery {
  let db: Database
  let filter: WatchFilter
  let limit: Int
  let token: ContinueToken?
  /// Up to this many matching label rows, the labels index drives the list.
  let labelDrivenLimit: Int

  /// One listed item: its key, its stored JSON, and the object when it had to be decoded.
  struct Listed {
    let namespace: String
    let name: String
    let data: Data
    let object: Object?
  }

  func run() throws -> ObjectList {
    let (rows, more, revision) = try scan(decode: true)
    var list = ObjectList(items: rows.compactMap(\.object), resourceVersion: revision)
    list.continueToken = more ? Self.token(after: rows.last, at: revision) : nil
    return list
  }

  /// The page as stored bytes: objects are decoded only when a selector must read them.
  func runStored() throws -> StoredObjectList {
    let (rows, more, revision) = try scan(decode: false)
    return StoredObjectList(
      items: rows.map(\.data), resourceVersion: revision,
      continueToken: more ? Self.token(after: rows.last, at: revision) : nil)
  }

  static func token(after row: Listed?, at revision: Int64) -> String? {
    guard let row else { return nil }
    return ContinueToken(revision: revision, namespace: row.namespace, name: row.name).encoded
  }

  /// The page's rows in key order, whether more follow, and the revision read at.
  private func scan(decode: Bool) throws -> ([Listed], Bool, Int64) {
    let current = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? 0
    let compacted =
      try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compacted'") ?? 0
    let revision = token?.revision ?? current
    if let token, token.revision < compacted {
      throw StoreError.expired(requested: token.revision, oldest: compacted)
    }
    let historical = revision < current ? try statesAt(revision) : []
    // The scan applies the namespace and name; other selectors need the object.
    let mustDecode = decode || !filter.selectsAll
    var items: [Listed] = []
    var more = false
    var h = 0
    let (sql, arguments) = try scanSQL(at: revision < current ? revision : nil)
    let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
    var pending = try rows.next()
    // Merge current rows unchanged since `revision` with reconstructed states, by key.
    while true {
      let next: (String, String, Data)
      if let row = pending {
        let key = (row[0] as String, row[1] as String)
        if h < historical.count, (historical[h].0, historical[h].1) < key {
          next = historical[h]
          h += 1
        } else {
          next = (key.0, key.1, row[3])
          pending = try rows.next()
        }
      } else if h < historical.count {
        next = historical[h]
        h += 1
      } else {
        break
      }
      var object: Object?
      if mustDecode {
        let decoded = try StoredObject.decode(next.2)
        guard filter.matches(decoded) else { continue }
        object = decoded
      }
      if limit > 0 && items.count == limit {
        more = true
        break
      }
      items.append(Listed(namespace: next.0, name: next.1, data: next.2, object: object))
    }
    return (items, more, revision)
  }

  /// The scan of current rows (unchanged since `revision` when given), after the token's
  /// key, with the namespace, exact name and one label requirement pushed into SQL.
  private func scanSQL(at revision: Int64?) throws -> (String, StatementArguments) {
    var args: StatementArguments = [filter.resource.group, filter.resource.resource]
    var sql: String
    var conditions: [String] = []
    if let requirement = pushedLabel {
      let marks = Array(repeating: "?", count: requirement.values.count).joined(separator: ", ")
      // Few matches: find them through the labels index, then sort them by key. Many:
      // walk the kind's objects in key order and probe each one's labels, which stops at
      // the page's limit instead of sorting every match for every page.
      let values = StatementArguments([requirement.key] + requirement.values)
      let matches =
        try Int.fetchOne(
          db, sql: "SELECT count(*) FROM labels WHERE key = ? AND value IN (\(marks))",
          arguments: values) ?? 0
      let join =
        matches <= labelDrivenLimit
        ? "labels l CROSS JOIN objects o ON o.id = l.obj"
        : "objects o CROSS JOIN labels l ON l.obj = o.id"
      sql = """
        SELECT o.namespace, o.name, o.rv, o.data FROM \(join)
        WHERE o.grp = ? AND o.resource = ? AND l.key = ? AND l.value IN (\(marks))
        """
      _ = args.append(contentsOf: values)
    } else {
      sql =
        "SELECT o.namespace, o.name, o.rv, o.data FROM objects o WHERE o.grp = ? AND o.resource = ?"
    }
    if let ns = filter.namespace ?? filter.fields.requiresExactMatch("metadata.namespace") {
      conditions.append("o.namespace = ?")
      _ = args.append(contentsOf: [ns])
    }
    if let name = filter.fields.requiresExactMatch("metadata.name") {
      conditions.append("o.name = ?")
      _ = args.append(contentsOf: [name])
    }
    if let token {
      conditions.append("(o.namespace, o.name) > (?, ?)")
      _ = args.append(contentsOf: [token.namespace, token.name])
    }
    if let revision {
      conditions.append("o.rv <= ?")
      _ = args.append(contentsOf: [revision])
    }
    for c in conditions { sql += " AND " + c }
    sql += " ORDER BY o.namespace, o.name"
    return (sql, args)
  }

  /// The first equality or set requirement, answered by the labels index.
  private var pushedLabel: LabelSelector.Requirement? {
    filter.labels.requirements.first {
      ($0.operator == .equals || $0.operator == .doubleEquals || $0.operator == .in)
        && !$0.values.isEmpty
    }
  }

  /// The state at `revision` of every object of the kind changed after it, sorted by key:
  /// for each object changed since (each incarnation of a name), its last change up to
  /// `revision`, unless that is a deletion or another object's (a reused row id).
  private func statesAt(_ revision: Int64) throws -> [(String, String, Data)] {
    var sql = """
      SELECT DISTINCT obj, namespace, name FROM changes
      WHERE grp = ? AND resource = ? AND rv > ?
      """
    var args: StatementArguments = [filter.resource.group, filter.resource.resource, revision]
    if let ns = filter.namespace {
      sql += " AND namespace = ?"
      _ = args.append(contentsOf: [ns])
    }
    var states: [(String, String, Data)] = []
    let before = try db.cachedStatement(
      sql: """
        SELECT c.type, c.namespace, c.name, \(ChangeBody.column("c")) FROM changes c
        WHERE c.obj = ? AND c.rv <= ? AND c.grp = ? AND c.resource = ?
        ORDER BY c.rv DESC LIMIT 1
        """)
    for row in try Row.fetchAll(db, sql: sql, arguments: args) {
      let obj: Int64 = row[0]
      let ns: String = row[1]
      let name: String = row[2]
      if let token, (ns, name) <= (token.namespace, token.name) { continue }
      guard
        let last = try Row.fetchOne(
          before, arguments: [obj, revision, filter.resource.group, filter.resource.resource]),
        (last[0] as String) != WatchEvent.Kind.deleted.rawValue,
        (last[1] as String) == ns, (last[2] as String) == name
      else { continue }
      states.append((ns, name, last[3]))
    }
    return states.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
  }
}
