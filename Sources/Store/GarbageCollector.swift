import Objects

/// Kubernetes' garbage collector and namespace and CRD cleanup, as passes over the store.
///
/// - An object whose owners are all gone is deleted (background propagation); a dangling
///   reference beside a live owner is removed.
/// - Foreground deletion: an owner marked with the `foregroundDeletion` finalizer waits
///   until its dependents are deleted, then goes.
/// - Orphan: an owner marked `orphan` first removes itself from its dependents'
///   ownerReferences, then goes.
/// - A terminating Namespace deletes everything in it, and goes once it is empty; a
///   terminating CRD deletes its objects, then goes (and its kind is unregistered).
///
/// Each pass is one write transaction by `SQLiteStore.collectorIdentity`.
enum GarbageCollector {
  /// One pass; returns the number of writes it made.
  static func pass(_ tx: inout SQLiteTransaction) throws(StoreError) -> Int {
    var writes = 0
    for (key, object) in try tx.deleting() {
      guard let current = try tx.load(key) else { continue }
      if key.resource == BuiltinTypes.namespaces {
        let content = try tx.keys(inNamespace: key.name)
        writes += try deleteAll(content, &tx)
        if content.isEmpty, current.finalizers.isEmpty {
          try tx.purge(key)
          writes += 1
        }
        continue
      }
      if key.resource == BuiltinTypes.customResourceDefinitions {
        if let t = try? ResourceType(customResourceDefinition: object) {
          let content = try tx.keys(of: t.groupResource)
          writes += try deleteAll(content, &tx)
          if content.isEmpty, current.finalizers.isEmpty {
            try tx.purge(key)
            writes += 1
          }
        }
        continue
      }
      guard let uid = current.uid else { continue }
      if current.finalizers.contains(SQLiteTransaction.foregroundFinalizer) {
        let dependents = try tx.dependents(of: uid)
        writes += try deleteAll(dependents, &tx)
        if dependents.isEmpty {
          var done = current
          done.finalizers.removeAll { $0 == SQLiteTransaction.foregroundFinalizer }
          _ = try tx.update(done)
          writes += 1
        }
      } else if current.finalizers.contains(SQLiteTransaction.orphanFinalizer) {
        for dependentKey in try tx.dependents(of: uid) {
          guard var dependent = try tx.load(dependentKey) else { continue }
          dependent.ownerReferences.removeAll { $0.uid == uid }
          _ = try tx.update(dependent)
          writes += 1
        }
        var done = current
        done.finalizers.removeAll { $0 == SQLiteTransaction.orphanFinalizer }
        _ = try tx.update(done)
        writes += 1
      }
    }
    var seen = Set<ObjectKey>()
    for (_, key) in try tx.danglingOwnerReferences() where seen.insert(key).inserted {
      guard var dependent = try tx.load(key) else { continue }
      var live: [OwnerReference] = []
      for ref in dependent.ownerReferences where try tx.exists(uid: ref.uid) { live.append(ref) }
      if live.isEmpty {
        if dependent.deletionTimestamp == nil {
          _ = try tx.delete(key, options: DeleteOptions())
          writes += 1
        }
      } else if live.count != dependent.ownerReferences.count {
        dependent.ownerReferences = live
        _ = try tx.update(dependent)
        writes += 1
      }
    }
    return writes
  }

  /// Starts the deletion of each object not already being deleted.
  private static func deleteAll(_ keys: [ObjectKey], _ tx: inout SQLiteTransaction)
    throws(StoreError) -> Int
  {
    var writes = 0
    for key in keys {
      guard let object = try tx.load(key), object.deletionTimestamp == nil else { continue }
      _ = try tx.delete(key, options: DeleteOptions())
      writes += 1
    }
    return writes
  }
}

extension SQLiteStore {
  /// The identity the garbage collector writes as.
  public static let collectorIdentity = WriteContext(
    actor: "system:serviceaccount:kube-system:generic-garbage-collector", source: "gc")

  /// Runs garbage collection passes until one changes nothing; returns the writes made.
  /// The store runs this on its own after deletions that need it; tests and operators
  /// may call it directly.
  @discardableResult
  public func collectGarbage() throws(StoreError) -> Int {
    var total = 0
    for _ in 0..<100 {
      let writes = try write(Self.collectorIdentity) { (tx) throws(StoreError) in
        try GarbageCollector.pass(&tx)
      }
      total += writes
      if writes == 0 { break }
    }
    return total
  }
}
