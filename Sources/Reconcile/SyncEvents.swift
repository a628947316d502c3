import Foundation
import Objects
import Store

/// v1 Events about a Sync, as `kubectl describe`/`kubectl get events` show them: every
/// applied revision (Normal `ReconciliationSucceeded`, and `Pruned` when something left
/// Git), drift found (Warning `DriftDetected`) and corrected (Normal `DriftCorrected`), and
/// failures (Warning `ReconciliationFailed`). Like kube's event recorder, a repeat of the
/// same event (same reason and message) bumps `count` and `lastTimestamp` instead of adding
/// an object. Events are best effort: a failure to record one is logged, never fatal.
extension SyncReconciler {
  static let events = GroupResource(group: "", resource: "events")

  /// Records the events `outcome` (with its plan) calls for.
  func recordEvents(_ sync: Object, _ spec: SyncSpec?, _ outcome: Outcome, plan: SyncPlan?) async {
    switch outcome {
    case .applied(let revision, let created, let updated, let pruned):
      await event(
        sync, type: "Normal", reason: "ReconciliationSucceeded",
        message:
          "applied revision \(revision): \(created) created, \(updated) updated, \(pruned) pruned")
      if let plan, !plan.prunes.isEmpty {
        let names = plan.prunes.prefix(10).map(\.description).joined(separator: ", ")
        let more = plan.prunes.count > 10 ? " and \(plan.prunes.count - 10) more" : ""
        await event(
          sync, type: "Normal", reason: "Pruned",
          message:
            "pruned \(plan.prunes.count) object(s) that left Git at \(revision): \(names)\(more)")
      }
    case .failed(let revision, let issues):
      let first = issues.first?.description ?? "unknown error"
      let more = issues.count > 1 ? " (and \(issues.count - 1) more problem(s))" : ""
      await event(
        sync, type: "Warning", reason: "ReconciliationFailed",
        message: "revision \(revision ?? "unknown") not applied: \(first)\(more)")
    default:
      break
    }
    guard let plan, !plan.drift.isEmpty else { return }
    let summary = plan.drift.prefix(10).map { entry in
      "\(entry.id) [\(entry.fields.joined(separator: ", "))] by \(entry.changedBy ?? "unknown")"
    }.joined(separator: "; ")
    if spec?.drift == .correct {
      await event(
        sync, type: "Normal", reason: "DriftCorrected",
        message: "restored Git's content of \(plan.drift.count) object(s): \(summary)")
    } else {
      await event(
        sync, type: "Warning", reason: "DriftDetected",
        message: "\(plan.drift.count) object(s) differ from Git: \(summary)")
    }
  }

  /// Creates the event, or bumps the count of the same one.
  func event(_ sync: Object, type: String, reason: String, message: String) async {
    let namespace = sync.namespace ?? "default"
    let syncName = sync.name ?? ""
    let name = "\(syncName).\(Self.fingerprint(reason + "\n" + message))"
    let key = ObjectKey(Self.events, namespace: namespace, name: name)
    let now = StatusTime.now()
    let context = WriteContext(actor: "system:mooring:sync-controller", source: "controller")
    do {
      if var existing = try? await store.get(key) {
        existing.value["count"] = .int((existing.value["count"]?.intValue ?? 1) + 1)
        existing.value["lastTimestamp"] = .string(now)
        _ = try await store.update(existing, context: context)
        return
      }
      var object = Object(apiVersion: "v1", kind: "Event", name: name, namespace: namespace)
      object.value["involvedObject"] = [
        "apiVersion": "gitops.mooring.dev/v1alpha1", "kind": "Sync",
        "namespace": .string(namespace), "name": .string(syncName),
        "uid": .string(sync.uid ?? ""),
      ]
      object.value["type"] = .string(type)
      object.value["reason"] = .string(reason)
      object.value["message"] = .string(String(message.prefix(1024)))
      object.value["source"] = ["component": "mooring-sync"]
      object.value["reportingComponent"] = "mooring-sync"
      object.value["firstTimestamp"] = .string(now)
      object.value["lastTimestamp"] = .string(now)
      object.value["count"] = 1
      _ = try await store.create(object, context: context)
    } catch {
      logger.warning(
        "event not recorded", metadata: ["sync": "\(namespace)/\(syncName)", "error": "\(error)"])
    }
  }

  /// 16 hex digits of FNV-1a: the same event gets the same name.
  static func fingerprint(_ text: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in text.utf8 {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
