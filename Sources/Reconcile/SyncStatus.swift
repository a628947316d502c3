import Foundation
import Objects
import Store

extension SyncReconciler {
  /// Writes the Sync's status for `outcome` (only when it changed) and returns `outcome`.
  func finish(
    _ sync: Object, _ spec: SyncSpec?, _ outcome: Outcome, plan: SyncPlan? = nil,
    repository: Object? = nil, digest: String? = nil
  ) async -> Outcome {
    if case .failed = outcome { await recordEvents(sync, spec, outcome, plan: plan) }
    let key = ObjectKey(Self.syncs, namespace: sync.namespace, name: sync.name ?? "")
    for _ in 0..<3 {
      guard var current = try? await store.get(key) else { return outcome }
      guard
        let status = Self.status(
          of: current, spec, outcome, plan: plan, repository: repository, digest: digest)
      else { return outcome }
      current.status = status
      do {
        _ = try await store.updateStatus(
          current,
          context: WriteContext(actor: "system:mooring:sync-controller", source: "controller"))
        return outcome
      } catch .conflict {
        continue
      } catch {
        logger.error("status update failed", metadata: ["sync": "\(key)", "error": "\(error)"])
        return outcome
      }
    }
    return outcome
  }

  /// The status of `current` after `outcome`; nil when it does not change.
  static func status(
    of current: Object, _ spec: SyncSpec?, _ outcome: Outcome, plan: SyncPlan?,
    repository: Object?, digest: String?
  ) -> Value? {
    let old = current.status ?? .map(ValueMap())
    var status = old
    status["observedGeneration"] = current.generation.map(Value.int)
    if let requested = current.annotations[SyncLabels.requestedAt] {
      status["lastHandledReconcileAt"] = .string(requested)
    }
    let now = StatusTime.now()
    switch outcome {
    case .applied(let revision, let created, let updated, let pruned):
      status["lastAttemptedRevision"] = .string(revision)
      status["lastAppliedRevision"] = .string(revision)
      status["errors"] = nil
      var entry: ValueMap = [
        "revision": .string(revision), "appliedAt": .string(now),
        "created": .int(Int64(created)), "updated": .int(Int64(updated)),
        "pruned": .int(Int64(pruned)),
      ]
      if let digest { entry["digest"] = .string("sha1:\(digest)") }
      if let commit = repository?.value[path: "status.artifact.commit"] {
        entry["author"] = commit["author"]
        entry["message"] = commit["message"]
        entry["time"] = commit["time"]
      }
      var history = old["history"]?.listValue ?? []
      if var top = history.first?.mapValue, top["revision"] == entry["revision"],
        top["digest"] == entry["digest"]
      {
        // The same manifests applied again (drift corrected, objects recreated): one entry
        // per revision, so the history keeps the last 10 revisions to roll back to.
        top["reapplied"] = .int((top["reapplied"]?.intValue ?? 0) + 1)
        top["reappliedAt"] = .string(now)
        history[0] = .map(top)
      } else {
        history.insert(.map(entry), at: 0)
      }
      status["history"] = .list(Array(history.prefix(10)))
      Conditions.set(
        &status, "Ready", true, "ReconciliationSucceeded", "Applied revision: \(revision)", now)
      Conditions.remove(&status, "Stalled")
      Conditions.remove(&status, "Reconciling")
    case .unchanged(let revision):
      status["lastAttemptedRevision"] = .string(revision)
      status["lastAppliedRevision"] = .string(revision)
      status["errors"] = nil
      Conditions.set(
        &status, "Ready", true, "ReconciliationSucceeded", "Applied revision: \(revision)", now)
      Conditions.remove(&status, "Stalled")
      Conditions.remove(&status, "Reconciling")
    case .failed(let revision, let issues):
      if let revision { status["lastAttemptedRevision"] = .string(revision) }
      status["errors"] = .list(issues.map(\.value))
      let validation = issues.contains { $0.file != nil }
      let message =
        "\(issues.count) error\(issues.count == 1 ? "" : "s") in revision \(revision ?? "?"), nothing applied: "
        + (issues.first?.description ?? "")
      Conditions.set(
        &status, "Ready", false, validation ? "ValidationFailed" : "ReconciliationFailed",
        message, now)
      if validation {
        Conditions.set(&status, "Stalled", true, "ValidationFailed", message, now)
      } else {
        Conditions.remove(&status, "Stalled")
      }
      Conditions.remove(&status, "Reconciling")
    case .waiting(let why):
      Conditions.set(&status, "Ready", false, "ArtifactFailed", why, now)
      Conditions.set(&status, "Reconciling", true, "Progressing", why, now)
    case .suspended:
      return nil
    }
    if let plan {
      // Only drift left in place is drift now; with `correct` the plan re-applied Git's
      // content, so those objects no longer differ (the reconciler logs the correction).
      if plan.drift.isEmpty || spec?.drift != .report {
        status["drift"] = nil
      } else {
        status["drift"] = .list(plan.drift.map(\.value))
      }
      if case .failed = outcome {
      } else {
        status["inventory"] = ["entries": .list(plan.inventory)]
      }
    }
    let reportedDrift = spec?.drift == .report && !(plan?.drift.isEmpty ?? true)
    switch outcome {
    case .applied, .unchanged: status["sync"] = reportedDrift ? "OutOfSync" : "Synced"
    case .failed: status["sync"] = "OutOfSync"
    default: status["sync"] = "Unknown"
    }
    // Not `status == old ? nil : status`: Value is ExpressibleByNilLiteral, so that
    // expression is a Value and its nil a `.null` status.
    if status == old { return nil }
    return status
  }
}

extension SyncIssue {
  /// The issue as a status entry.
  var value: Value {
    var m = ValueMap()
    if let file { m["file"] = .string(file) }
    if let line { m["line"] = .int(Int64(line)) }
    if let column { m["column"] = .int(Int64(column)) }
    if let object { m["object"] = .string(object) }
    m["message"] = .string(message)
    return .map(m)
  }
}

/// RFC 3339 times for status fields.
enum StatusTime {
  static func now() -> String { Timestamp.now() }
}

/// Kubernetes-style conditions in a status map: a transition time changes only when the
/// condition's status does.
enum Conditions {
  static func set(
    _ status: inout Value, _ type: String, _ value: Bool, _ reason: String, _ message: String,
    _ now: String
  ) {
    var list = status["conditions"]?.listValue ?? []
    let text = value ? "True" : "False"
    let index = list.firstIndex { $0["type"]?.stringValue == type }
    let since =
      index.flatMap {
        list[$0]["status"]?.stringValue == text ? list[$0]["lastTransitionTime"] : nil
      }
      ?? .string(now)
    let condition: Value = [
      "type": .string(type), "status": .string(text), "reason": .string(reason),
      "message": .string(message), "lastTransitionTime": since,
    ]
    if let index { list[index] = condition } else { list.append(condition) }
    status["conditions"] = .list(list)
  }

  static func remove(_ status: inout Value, _ type: String) {
    guard var list = status["conditions"]?.listValue else { return }
    list.removeAll { $0["type"]?.stringValue == type }
    status["conditions"] = list.isEmpty ? nil : .list(list)
  }
}
