import Objects
import Store
import Testing

@testable import Reconcile

/// Which watch events end the control loop's pause: work asked for, not the loop's own
/// status writes.
@Suite struct ControlLoopWakeTests {
  static func sync(generation: Int64, observed: Int64?, requested: String?, handled: String?)
    -> Object
  {
    var o = Object(
      apiVersion: "gitops.mooring.dev/v1alpha1", kind: "Sync", name: "s", namespace: "n")
    o.generation = generation
    if let requested { o.annotations = [SyncLabels.requestedAt: requested] }
    var status = ValueMap()
    if let observed { status["observedGeneration"] = .int(observed) }
    if let handled { status["lastHandledReconcileAt"] = .string(handled) }
    o.status = .map(status)
    return o
  }

  static func event(_ kind: WatchEvent.Kind, _ object: Object) -> WatchEvent {
    WatchEvent(kind: kind, object: object, revision: 7)
  }

  @Test func newDeletedChangedOrRequestedWakes() {
    let settled = Self.sync(generation: 2, observed: 2, requested: "t1", handled: "t1")
    #expect(ControlLoop.asksForWork(Self.event(.added, settled)))
    #expect(ControlLoop.asksForWork(Self.event(.deleted, settled)))
    #expect(!ControlLoop.asksForWork(Self.event(.modified, settled)))
    #expect(!ControlLoop.asksForWork(Self.event(.bookmark, settled)))
    let specChanged = Self.sync(generation: 3, observed: 2, requested: nil, handled: nil)
    #expect(ControlLoop.asksForWork(Self.event(.modified, specChanged)))
    let requested = Self.sync(generation: 2, observed: 2, requested: "t2", handled: "t1")
    #expect(ControlLoop.asksForWork(Self.event(.modified, requested)))
    let neverRequested = Self.sync(generation: 1, observed: 1, requested: nil, handled: nil)
    #expect(!ControlLoop.asksForWork(Self.event(.modified, neverRequested)))
  }
}
