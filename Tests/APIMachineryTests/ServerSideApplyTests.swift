import APIMachinery
import Objects
import Testing

private func json(_ text: String) -> Value {
  do { return try JSON.decode(text) } catch { preconditionFailure("bad test JSON: \(error)") }
}

private let gv = "resourcemanager.mooring.dev/v1alpha1"
private let strategies = PatchStrategies.objectMeta
private let t1 = "2025-05-01T10:00:00Z"
private let t2 = "2025-05-01T11:00:00Z"
private let t3 = "2025-05-01T12:00:00Z"

/// An Organization applied configuration with `spec`.
private func organization(_ spec: String, labels: String = "") -> Value {
  let metadata = labels.isEmpty ? #"{"name":"acme"}"# : #"{"name":"acme","labels":\#(labels)}"#
  return json(
    #"{"apiVersion":"\#(gv)","kind":"Organization","metadata":\#(metadata),"spec":\#(spec)}"#)
}

/// The managedFields of `object` as (manager, operation, time, FieldsV1 JSON).
private func owners(_ object: Value) -> [String] {
  (object["metadata"]?["managedFields"]?.listValue ?? []).map { entry in
    let manager = entry["manager"]?.stringValue ?? "?"
    let operation = entry["operation"]?.stringValue ?? "?"
    let time = entry["time"]?.stringValue ?? "-"
    return "\(manager) \(operation) \(time) \(JSON.encode(entry["fieldsV1"] ?? .null))"
  }
}

private func conflicts(_ body: () throws(ServerSideApplyError) -> Value) -> ServerSideApplyError? {
  do {
    _ = try body()
    return nil
  } catch {
    return error
  }
}

@Suite struct ServerSideApplyTests {
  @Test func createByApply() throws {
    let config = organization(
      #"{"displayName":"ACME","owners":["alice@example.com"]}"#,
      labels: #"{"tier":"gold"}"#)
    let created = try ServerSideApply.apply(
      config, to: nil, manager: "kubectl", strategies: strategies, time: t1)
    var expected = config
    expected[path: "metadata.managedFields"] = json(
      #"""
      [{"manager":"kubectl","operation":"Apply","apiVersion":"\#(gv)","time":"\#(t1)",
        "fieldsType":"FieldsV1",
        "fieldsV1":{"f:metadata":{"f:labels":{"f:tier":{}}},"f:spec":{"f:displayName":{},"f:owners":{}}}}]
      """#)
    #expect(created == expected)
    // kube writes the entry members in this order.
    #expect(
      created["metadata"]?["managedFields"]?[0]?.mapValue?.keys == [
        "manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1",
      ])
  }

  @Test func conflictWithAnUpdaterAndForce() throws {
    let applied = try ServerSideApply.apply(
      organization(#"{"displayName":"ACME"}"#), to: nil, manager: "kubectl",
      strategies: strategies, time: t1)
    // kubectl patch --type merge -p '{"spec":{"displayName":"Merged"}}'
    var changed = applied
    changed[path: "spec.displayName"] = "Merged"
    let patched = ServerSideApply.update(
      from: applied, to: changed, manager: "kubectl-patch", strategies: strategies, time: t2)
    #expect(
      owners(patched) == [
        "kubectl-patch Update \(t2) {\"f:spec\":{\"f:displayName\":{}}}"
      ])

    let error = conflicts { () throws(ServerSideApplyError) in
      try ServerSideApply.apply(
        organization(#"{"displayName":"ACME"}"#), to: patched, manager: "kubectl",
        strategies: strategies, time: t3)
    }
    guard case .conflicts(let list)? = error else {
      Issue.record("expected a conflict, got \(String(describing: error))")
      return
    }
    #expect(list.count == 1)
    #expect(list.first?.message == #"conflict with "kubectl-patch" using \#(gv)"#)
    #expect(list.first?.field == ".spec.displayName")
    #expect(
      error?.description
        == #"Apply failed with 1 conflict: conflict with "kubectl-patch" using \#(gv): .spec.displayName"#
    )

    let forced = try ServerSideApply.apply(
      organization(#"{"displayName":"ACME"}"#), to: patched, manager: "kubectl", force: true,
      strategies: strategies, time: t3)
    #expect(forced["spec"]?["displayName"] == "ACME")
    #expect(owners(forced) == ["kubectl Apply \(t3) {\"f:spec\":{\"f:displayName\":{}}}"])
  }

  @Test func severalConflictsAreGroupedByManager() throws {
    let live = ServerSideApply.update(
      from: nil, to: organization(#"{"a":1,"b":2}"#), manager: "kubectl-create",
      strategies: strategies, time: t1)
    let error = conflicts { () throws(ServerSideApplyError) in
      try ServerSideApply.apply(
        organization(#"{"a":10,"b":20}"#), to: live, manager: "ci", strategies: strategies,
        time: t2)
    }
    #expect(
      error?.description
        == "Apply failed with 2 conflicts: conflicts with \"kubectl-create\" using \(gv):\n"
        + "- .spec.a\n- .spec.b")
  }

  @Test func secondApplyThatDropsAFieldRemovesIt() throws {
    let first = try ServerSideApply.apply(
      organization(#"{"displayName":"ACME","owners":["alice"]}"#, labels: #"{"tier":"gold"}"#),
      to: nil, manager: "kubectl", strategies: strategies, time: t1)
    let second = try ServerSideApply.apply(
      organization(#"{"displayName":"ACME"}"#), to: first, manager: "kubectl",
      strategies: strategies, time: t2)
    #expect(second["spec"] == json(#"{"displayName":"ACME"}"#))
    #expect(second["metadata"]?["labels"] == json("{}"))
    #expect(owners(second) == ["kubectl Apply \(t2) {\"f:spec\":{\"f:displayName\":{}}}"])
  }

  @Test func sharedOwnershipKeepsAFieldOneManagerDrops() throws {
    let first = try ServerSideApply.apply(
      organization(#"{"displayName":"ACME","owners":["alice"]}"#), to: nil, manager: "kubectl",
      strategies: strategies, time: t1)
    // Same value from another manager: no conflict, both own it.
    let shared = try ServerSideApply.apply(
      organization(#"{"displayName":"ACME"}"#), to: first, manager: "ci",
      strategies: strategies, time: t2)
    #expect(shared["spec"] == first["spec"])
    #expect(
      owners(shared) == [
        "kubectl Apply \(t1) {\"f:spec\":{\"f:displayName\":{},\"f:owners\":{}}}",
        "ci Apply \(t2) {\"f:spec\":{\"f:displayName\":{}}}",
      ])
    // kubectl stops applying displayName: ci still owns it, so it stays.
    let dropped = try ServerSideApply.apply(
      organization(#"{"owners":["alice"]}"#), to: shared, manager: "kubectl",
      strategies: strategies, time: t3)
    #expect(dropped["spec"] == json(#"{"displayName":"ACME","owners":["alice"]}"#))
    #expect(
      owners(dropped) == [
        "ci Apply \(t2) {\"f:spec\":{\"f:displayName\":{}}}",
        "kubectl Apply \(t3) {\"f:spec\":{\"f:owners\":{}}}",
      ])
  }

  @Test func noOpApplyKeepsTheObjectAndItsTimes() throws {
    let config = organization(#"{"displayName":"ACME"}"#, labels: #"{"tier":"gold"}"#)
    var live = try ServerSideApply.apply(
      config, to: nil, manager: "kubectl", strategies: strategies, time: t1)
    live[path: "metadata.resourceVersion"] = "42"
    live[path: "metadata.uid"] = "u-1"
    let again = try ServerSideApply.apply(
      config, to: live, manager: "kubectl", strategies: strategies, time: t2)
    #expect(again == live)
    // Also when the configuration carries server-set metadata and nulls.
    var noisy = config
    noisy[path: "metadata.resourceVersion"] = "41"
    noisy[path: "metadata.creationTimestamp"] = .null
    let third = try ServerSideApply.apply(
      noisy, to: live, manager: "kubectl", strategies: strategies, time: t3)
    #expect(third == live)
  }

  @Test func noOpUpdateKeepsManagedFields() {
    let created = ServerSideApply.update(
      from: nil, to: organization(#"{"displayName":"ACME"}"#), manager: "kubectl-create",
      strategies: strategies, time: t1)
    let same = ServerSideApply.update(
      from: created, to: created, manager: "kubectl-patch", strategies: strategies, time: t2)
    #expect(same == created)
  }

  @Test func createByUpdateOwnsNewMapsToo() {
    let created = ServerSideApply.update(
      from: nil,
      to: organization(#"{"displayName":"ACME"}"#, labels: #"{"tier":"gold"}"#),
      manager: "kubectl-create", strategies: strategies, time: t1)
    #expect(
      owners(created) == [
        "kubectl-create Update \(t1) "
          + #"{"f:metadata":{"f:labels":{"f:tier":{},".":{}}},"f:spec":{"f:displayName":{},".":{}}}"#
      ])
    // A later update of one field by another manager takes that field only.
    var relabeled = created
    relabeled[path: "metadata.labels.tier"] = "platinum"
    let labeled = ServerSideApply.update(
      from: created, to: relabeled, manager: "kubectl-label", strategies: strategies, time: t2)
    #expect(
      owners(labeled) == [
        "kubectl-create Update \(t1) "
          + #"{"f:metadata":{"f:labels":{}},"f:spec":{"f:displayName":{},".":{}}}"#,
        "kubectl-label Update \(t2) " + #"{"f:metadata":{"f:labels":{"f:tier":{}}}}"#,
      ])
  }

  @Test func updatesOfUntrackedObjectsStayUntracked() {
    let live = organization(#"{"displayName":"ACME"}"#)
    var changed = live
    changed[path: "spec.displayName"] = "Other"
    let updated = ServerSideApply.update(
      from: live, to: changed, manager: "kubectl-patch", strategies: strategies, time: t1)
    #expect(updated == changed)
  }

  @Test func managedFieldsWrittenByTheClientAreHonoured() {
    let live = ServerSideApply.update(
      from: nil, to: organization(#"{"displayName":"ACME"}"#), manager: "kubectl-create",
      strategies: strategies, time: t1)
    var migrated = live
    migrated[path: "metadata.managedFields"] = json(
      #"""
      [{"manager":"kubectl","operation":"Apply","apiVersion":"\#(gv)","time":"\#(t2)",
        "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:displayName":{}}}}]
      """#)
    let result = ServerSideApply.update(
      from: live, to: migrated, manager: "kubectl", strategies: strategies, time: t3)
    #expect(result == migrated)
  }

  @Test func firstApplyToAnObjectWithoutManagedFields() throws {
    let live = organization(#"{"displayName":"ACME","owners":["alice"]}"#)
    let error = conflicts { () throws(ServerSideApplyError) in
      try ServerSideApply.apply(
        organization(#"{"displayName":"Other"}"#), to: live, manager: "ci",
        strategies: strategies, time: t1)
    }
    #expect(
      error?.description
        == #"Apply failed with 1 conflict: conflict with "before-first-apply" using \#(gv): .spec.displayName"#
    )
    let same = try ServerSideApply.apply(
      organization(#"{"displayName":"ACME"}"#), to: live, manager: "ci", strategies: strategies,
      time: t1)
    #expect(
      owners(same) == [
        "ci Apply \(t1) {\"f:spec\":{\"f:displayName\":{}}}",
        "before-first-apply Update \(t1) "
          + #"{"f:spec":{"f:displayName":{},"f:owners":{},".":{}}}"#,
      ])
  }

  @Test func statusIsResetOnTheMainResource() throws {
    var live = try ServerSideApply.apply(
      organization(#"{"displayName":"ACME"}"#), to: nil, manager: "kubectl",
      strategies: strategies, time: t1, resetFields: ServerSideApply.mainResourceResetFields)
    live["status"] = json(#"{"phase":"Ready"}"#)
    var config = organization(#"{"displayName":"ACME"}"#)
    config["status"] = json(#"{"phase":"Broken"}"#)
    let result = try ServerSideApply.apply(
      config, to: live, manager: "kubectl", strategies: strategies, time: t2,
      resetFields: ServerSideApply.mainResourceResetFields)
    #expect(result == live)
  }

  @Test func keyedListsMergeByKeyAcrossManagers() throws {
    let vap = PatchStrategies.validatingAdmissionPolicy
    func policy(_ conditions: String) -> Value {
      json(
        #"""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy",
         "metadata":{"name":"p"},"spec":{"matchConditions":\#(conditions)}}
        """#)
    }
    let a = try ServerSideApply.apply(
      policy(#"[{"name":"a","expression":"1"}]"#), to: nil, manager: "team-a", strategies: vap,
      time: t1)
    let b = try ServerSideApply.apply(
      policy(#"[{"name":"b","expression":"2"}]"#), to: a, manager: "team-b", strategies: vap,
      time: t2)
    #expect(
      b["spec"]?["matchConditions"]
        == json(#"[{"name":"a","expression":"1"},{"name":"b","expression":"2"}]"#))
    // team-a stops applying its condition: only its own item goes.
    let c = try ServerSideApply.apply(
      policy("[]"), to: b, manager: "team-a", strategies: vap, time: t3)
    #expect(c["spec"]?["matchConditions"] == json(#"[{"name":"b","expression":"2"}]"#))
    #expect(
      owners(c) == [
        "team-b Apply \(t2) "
          + #"{"f:spec":{"f:matchConditions":{"k:{\"name\":\"b\"}":{"f:expression":{},"f:name":{},".":{}}}}}"#
      ])
  }

  @Test func setsMergeByValue() throws {
    func finalizers(_ list: String) -> Value {
      json(
        #"{"apiVersion":"\#(gv)","kind":"Organization","metadata":{"name":"acme","finalizers":\#(list)}}"#
      )
    }
    let a = try ServerSideApply.apply(
      finalizers(#"["a.example.com/x"]"#), to: nil, manager: "a", strategies: strategies,
      time: t1)
    let b = try ServerSideApply.apply(
      finalizers(#"["b.example.com/x"]"#), to: a, manager: "b", strategies: strategies, time: t2)
    #expect(b["metadata"]?["finalizers"] == json(#"["a.example.com/x","b.example.com/x"]"#))
    #expect(
      owners(b) == [
        #"a Apply \#(t1) {"f:metadata":{"f:finalizers":{"v:\"a.example.com/x\"":{}}}}"#,
        #"b Apply \#(t2) {"f:metadata":{"f:finalizers":{"v:\"b.example.com/x\"":{}}}}"#,
      ])
    let c = try ServerSideApply.apply(
      finalizers("[]"), to: b, manager: "a", strategies: strategies, time: t3)
    #expect(c["metadata"]?["finalizers"] == json(#"["b.example.com/x"]"#))
  }

  @Test func kubectlTakesOverFromClientSideApply() throws {
    // An object created by `kubectl apply` (client-side), then applied with --server-side.
    var manifest = organization(#"{"displayName":"ACME"}"#)
    let lastApplied = JSON.encode(manifest, sortedKeys: true) + "\n"
    manifest[
      path: ValuePath(keys: "metadata", "annotations", ServerSideApply.lastAppliedAnnotation)] =
      .string(lastApplied)
    let live = ServerSideApply.update(
      from: nil, to: manifest, manager: "kubectl-client-side-apply", strategies: strategies,
      time: t1)
    let config = organization(#"{"displayName":"ACME Corp"}"#)
    let result = try ServerSideApply.apply(
      config, to: live, manager: "kubectl", strategies: strategies, time: t2)
    #expect(result["spec"]?["displayName"] == "ACME Corp")
    let annotation = result["metadata"]?["annotations"]?[ServerSideApply.lastAppliedAnnotation]
    #expect(annotation?.stringValue == JSON.encode(config, sortedKeys: true) + "\n")
    // Another manager still conflicts.
    let error = conflicts { () throws(ServerSideApplyError) in
      try ServerSideApply.apply(config, to: live, manager: "ci", strategies: strategies, time: t2)
    }
    #expect(error?.description.hasPrefix("Apply failed with 1 conflict") == true)
  }

  @Test func badRequests() {
    var config = organization(#"{"displayName":"ACME"}"#)
    config[path: "metadata.managedFields"] = json("[]")
    #expect(
      conflicts { () throws(ServerSideApplyError) in
        try ServerSideApply.apply(config, to: nil, manager: "m", strategies: strategies, time: t1)
      } == .badRequest("metadata.managedFields must be nil"))
    var broken = organization(#"{}"#)
    broken[path: "metadata.managedFields"] = json(#"[{"operation":"Explode"}]"#)
    #expect(
      conflicts { () throws(ServerSideApplyError) in
        try ServerSideApply.apply(
          organization(#"{}"#), to: broken, manager: "m", strategies: strategies, time: t1)
      } == .invalidManagedFields(#"managedFields entry has unknown operation "Explode""#))
  }

  @Test func managedFieldsEntryRoundTrip() throws {
    let value = json(
      #"""
      {"manager":"m","operation":"Update","apiVersion":"v1","time":"\#(t1)","fieldsType":"FieldsV1",
       "fieldsV1":{"f:status":{"f:phase":{}}},"subresource":"status"}
      """#)
    let entry = try ManagedFieldsEntry(value)
    #expect(entry.subresource == "status")
    #expect(entry.fields == FieldSet([.fields("status", "phase")]))
    #expect(entry.value == value)
  }
}
