import Foundation
import GRDB
import Objects

extension SQLiteStore {
  public func watch(_ resource: GroupResource, from revision: Int64, _ options: ListOptions)
    async throws(StoreError) -> AsyncThrowingStream<WatchEvent, any Error>
  {
    guard let type = registry.type(for: resource) else { throw .unknownResource(resource) }
    let filter = try WatchFilter(type, options)
    var history: [CommittedChange] = []
    var readUpTo: Int64 = 0
    if revision > 0 {
      (history, readUpTo) = try self.history(of: filter, after: revision, upTo: nil)
    }
    // The buffer holds the history plus `watchCapacity` live events.
    let (stream, continuation) = AsyncThrowingStream.makeStream(
      of: WatchEvent.self, bufferingPolicy: .bufferingOldest(hub.capacity + history.count))
    let bookmark = Object(
      apiVersion: GroupVersion(group: type.group, version: type.versions.first ?? "v1")
        .apiVersion,
      kind: type.kind, name: "")
    let (id, _) = hub.register(
      filter, continuation, catchingUp: revision > 0, from: revision, bookmarkObject: bookmark)
    if revision > 0 {
      // Changes committed between the first read and the registration.
      do {
        let (delta, upTo) = try self.history(of: filter, after: readUpTo, upTo: nil)
        hub.finishCatchUp(id, history: history + delta, upTo: max(upTo, readUpTo))
      } catch {
        hub.remove(id)
        throw error
      }
    }
    let interval = configuration.bookmarkInterval
    let hub = self.hub
    let ticker = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: interval)
        if Task.isCancelled { break }
        hub.bookmark(id)
      }
    }
    continuation.onTermination = { _ in
      ticker.cancel()
      hub.remove(id)
    }
    return stream
  }

  /// The changes of `filter`'s kind after `revision` (up to `limit` when given), read on
  /// one snapshot, with the revision that snapshot is at. Expired when `revision` is
  /// older than the compacted history.
  func history(of filter: WatchFilter, after revision: Int64, upTo limit: Int64?)
    throws(StoreError) -> ([CommittedChange], Int64)
  {
    try read { db in
      let current =
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? 0
      let compacted =
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compacted'") ?? 0
      if revision < compacted { throw StoreError.expired(requested: revision, oldest: compacted) }
      var sql = """
        SELECT c.rv, c.type, c.obj, \(ChangeBody.column("c")) FROM changes c
        WHERE c.rv > ? AND c.grp = ? AND c.resource = ?
        """
      var args: StatementArguments = [revision, filter.resource.group, filter.resource.resource]
      if let ns = filter.namespace {
        sql += " AND c.namespace = ?"
        _ = args.append(contentsOf: [ns])
      }
      sql += " ORDER BY c.rv"
      var changes: [CommittedChange] = []
      for row in try Row.fetchAll(db, sql: sql, arguments: args) {
        let rv: Int64 = row[0]
        guard let kind = WatchEvent.Kind(rawValue: row[1]) else { continue }
        let object = try StoredObject.decode(row[3])
        var old: Object?
        if kind == .modified, !filter.selectsAll,
          let data = try ChangeBody.before(rv, obj: row[2], in: db)
        {
          old = try StoredObject.decode(data)
        }
        changes.append(
          CommittedChange(
            kind: kind, resource: filter.resource, object: object, old: old, revision: rv))
      }
      return (changes, current)
    }
  }
}
