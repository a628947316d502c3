import APIMachinery
import Objects
import Testing

/// Decodes JSON test data.
private func json(_ text: String) -> Value {
  do { return try JSON.decode(text) } catch { preconditionFailure("bad test JSON: \(error)") }
}

/// The `MergeItem` test struct of kube's strategicpatch tests, as strategies.
private let mergeItem = PatchStrategies([
  "mergingList": .mergeByKey("name"),
  "mergingList[].mergingList": .mergeByKey("name"),
  "mergingIntList": .mergeSet,
  "retainKeysMergingList": .mergeByKey("name"),
])

private func patched(_ original: String, _ patch: String, _ strategies: PatchStrategies = mergeItem)
  throws(StrategicMergePatchError) -> Value
{
  try StrategicMergePatch.apply(json(patch), to: json(original), strategies: strategies)
}

private func failure(_ original: String, _ patch: String) -> String? {
  do {
    _ = try patched(original, patch)
    return nil
  } catch {
    return error.message
  }
}

@Suite struct StrategicMergePatchTests {
  @Test func validatingAdmissionPolicyApplyBodyFromKubectl() throws {
    // The body kubectl 1.32 sent for a client-side apply that renamed a matchCondition
    // (reference §6.14).
    let live = json(
      #"""
      {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy",
       "metadata":{"name":"require-labels","resourceVersion":"7",
         "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{old}\n"}},
       "spec":{"failurePolicy":"Fail",
         "matchConditions":[{"name":"has-labels","expression":"has(object.metadata.labels)"}],
         "validations":[{"expression":"true","message":"old"},{"expression":"false"}]}}
      """#)
    let patch = json(
      #"""
      {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{…}\n"}},
       "spec":{"$setElementOrder/matchConditions":[{"name":"labels-present"}],
               "matchConditions":[{"expression":"has(object.metadata.labels)","name":"labels-present"},{"$patch":"delete","name":"has-labels"}],
               "validations":[{"expression":"…","message":"…"}]}}
      """#)
    let result = try StrategicMergePatch.apply(
      patch, to: live, strategies: .validatingAdmissionPolicy)
    #expect(
      result
        == json(
          #"""
          {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy",
           "metadata":{"name":"require-labels","resourceVersion":"7",
             "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{…}\n"}},
           "spec":{"failurePolicy":"Fail",
             "matchConditions":[{"expression":"has(object.metadata.labels)","name":"labels-present"}],
             "validations":[{"expression":"…","message":"…"}]}}
          """#))
    // Members keep the live order.
    #expect(result["spec"]?.mapValue?.keys == ["failurePolicy", "matchConditions", "validations"])
  }

  @Test func mergeKeyedListKeepsOtherItemsAndMergesNamedOnes() throws {
    let result = try patched(
      #"{"mergingList":[{"name":"1","other":"a"},{"name":"2","value":"2","other":"b"}]}"#,
      #"""
      {"$setElementOrder/mergingList":[{"name":"4"},{"name":"1"},{"name":"2"},{"name":"3"}],
       "mergingList":[{"name":"4","value":"4"},{"name":"3","value":"3"}]}
      """#)
    #expect(
      result
        == json(
          #"""
          {"mergingList":[{"name":"4","value":"4"},{"name":"1","other":"a"},
            {"name":"2","value":"2","other":"b"},{"name":"3","value":"3"}]}
          """#))
  }

  @Test func patchOrderWinsForNamedItems() throws {
    // kube: "preserve the order from the patch in a merging list 2".
    let result = try patched(
      #"{"mergingList":[{"name":"1"},{"name":"2","value":"b"},{"name":"3"}]}"#,
      #"{"mergingList":[{"name":"3","value":"c"},{"name":"1","value":"a"}]}"#)
    #expect(
      result
        == json(
          #"{"mergingList":[{"name":"2","value":"b"},{"name":"3","value":"c"},{"name":"1","value":"a"}]}"#
        ))
    // kube: "preserve the order from the patch in a merging int list".
    #expect(
      try patched(#"{"mergingIntList":[1,2,3]}"#, #"{"mergingIntList":[3,1]}"#)
        == json(#"{"mergingIntList":[2,3,1]}"#))
  }

  @Test func scalarSetsMergeUniquely() throws {
    #expect(
      try patched(#"{"mergingIntList":[1,2]}"#, #"{"mergingIntList":[2,3]}"#)
        == json(#"{"mergingIntList":[1,2,3]}"#))
  }

  @Test func deleteDirectiveRemovesEveryItemWithTheKey() throws {
    // kube: "delete all duplicate entries in a merging list".
    let result = try patched(
      #"{"mergingList":[{"name":"1"},{"name":"1"},{"name":"2","value":"a"},{"name":"3"},{"name":"3"}]}"#,
      #"{"mergingList":[{"name":"1","$patch":"delete"},{"name":"3","$patch":"delete"}]}"#)
    #expect(result == json(#"{"mergingList":[{"name":"2","value":"a"}]}"#))
  }

  @Test func replaceDirectives() throws {
    // "delete all items from merging list"
    #expect(
      try patched(
        #"{"mergingList":[{"name":"1"},{"name":"2"}]}"#, #"{"mergingList":[{"$patch":"replace"}]}"#)
        == json(#"{"mergingList":[]}"#))
    // A list replaced by the other items of the patch list.
    #expect(
      try patched(
        #"{"mergingList":[{"name":"1"},{"name":"2"}]}"#,
        #"{"mergingList":[{"name":"9","x":null},{"$patch":"replace"}]}"#)
        == json(#"{"mergingList":[{"name":"9"}]}"#))
    // "add key and delete all keys from map"
    #expect(
      try patched(#"{"name":"1","value":"1"}"#, #"{"other":"a","$patch":"replace"}"#)
        == json(#"{"other":"a"}"#))
  }

  @Test func deleteDirectiveOnAMapEmptiesIt() throws {
    // kube: "delete map from nested map".
    #expect(
      try patched(#"{"simpleMap":{"key1":"1","key2":"1"}}"#, #"{"simpleMap":{"$patch":"delete"}}"#)
        == json(#"{"simpleMap":{}}"#))
  }

  @Test func mergeDirectiveIsTheDefault() throws {
    #expect(
      try patched(#"{"m":{"a":1,"b":2}}"#, #"{"m":{"$patch":"merge","b":3}}"#)
        == json(#"{"m":{"a":1,"b":3}}"#))
    #expect(
      try patched(
        #"{"mergingList":[{"name":"1","value":"a"}]}"#,
        #"{"mergingList":[{"name":"1","$patch":"merge","other":"b"}]}"#)
        == json(#"{"mergingList":[{"name":"1","value":"a","other":"b"}]}"#))
  }

  @Test func directivesOnAListThatDoesNotExistYet() throws {
    // kube: "nested patch merge with empty list" (two-way result).
    #expect(
      try patched(
        #"{"name":"hi"}"#,
        #"{"mergingList":[{"name":"hello"},{"$patch":"delete","name":"doesntexist"}]}"#)
        == json(#"{"name":"hi","mergingList":[{"name":"hello"}]}"#))
  }

  @Test func deleteFromPrimitiveList() throws {
    // kube: "delete items in lists of scalars" (three-way result).
    #expect(
      try patched(
        #"{"mergingIntList":[1,2,3,4]}"#,
        #"{"$setElementOrder/mergingIntList":[1,2],"$deleteFromPrimitiveList/mergingIntList":[3]}"#)
        == json(#"{"mergingIntList":[1,2,4]}"#))
    // kube: "add and delete items in lists of scalars".
    #expect(
      try patched(
        #"{"mergingIntList":[1,2,3,4]}"#,
        #"""
        {"$setElementOrder/mergingIntList":[1,2,4],"$deleteFromPrimitiveList/mergingIntList":[3],
         "mergingIntList":[4]}
        """#)
        == json(#"{"mergingIntList":[1,2,4]}"#))
    // Deleting from a missing list adds nothing.
    #expect(
      try patched(#"{"foo":["bar"]}"#, #"{"$deleteFromPrimitiveList/mergingIntList":[3]}"#)
        == json(#"{"foo":["bar"]}"#))
  }

  @Test func setElementOrderReordersWithoutAPatchList() throws {
    // kube: "$setElementOrder contains item that is not present in the int list to be merged".
    #expect(
      try patched(#"{"mergingIntList":[1,3]}"#, #"{"$setElementOrder/mergingIntList":[3,2,1]}"#)
        == json(#"{"mergingIntList":[3,1]}"#))
  }

  @Test func retainKeys() throws {
    #expect(
      try patched(
        #"{"retainKeysMap":{"name":"foo","value":"a","other":"x"}}"#,
        #"{"retainKeysMap":{"$retainKeys":["name","value"],"value":"b"}}"#)
        == json(#"{"retainKeysMap":{"name":"foo","value":"b"}}"#))
    #expect(
      failure(
        #"{"retainKeysMap":{"name":"foo"}}"#,
        #"{"retainKeysMap":{"$retainKeys":["name"],"value":"b"}}"#)?
        .hasPrefix("invalid patch format of retainKeys") == true)
  }

  @Test func nullDeletesAndUnlistedListsAreReplaced() throws {
    #expect(
      try patched(
        #"{"name":"1","value":"1","nonMergingList":[{"name":"1"},{"name":"2"}]}"#,
        #"{"value":null,"nonMergingList":[{"name":"3"}]}"#)
        == json(#"{"name":"1","nonMergingList":[{"name":"3"}]}"#))
  }

  @Test func objectMetaListsMergeForEveryKind() throws {
    // Without $setElementOrder, kube puts new items before the live ones it does not name.
    let result = try StrategicMergePatch.apply(
      json(
        #"""
        {"metadata":{"finalizers":["b.example.com/x"],
          "ownerReferences":[{"uid":"u2","name":"new"},{"uid":"u1","$patch":"delete"}]}}
        """#),
      to: json(
        #"""
        {"metadata":{"name":"acme","finalizers":["a.example.com/x"],
          "ownerReferences":[{"uid":"u1","name":"gone"},{"uid":"u3","name":"kept"}]}}
        """#),
      strategies: .forKind(group: "resourcemanager.mooring.dev", kind: "Organization"))
    #expect(
      result
        == json(
          #"""
          {"metadata":{"name":"acme","finalizers":["b.example.com/x","a.example.com/x"],
            "ownerReferences":[{"uid":"u2","name":"new"},{"uid":"u3","name":"kept"}]}}
          """#))
  }

  @Test func builtinTable() {
    #expect(
      PatchStrategies.builtin(
        group: "admissionregistration.k8s.io", kind: "ValidatingAdmissionPolicy")?[
          "spec.matchConditions"] == .mergeByKey("name"))
    #expect(
      PatchStrategies.validatingAdmissionPolicyBinding["spec.validationActions"]?.patchMerge
        == false)
    #expect(PatchStrategies.namespace["status.conditions"] == .mergeByKey("type"))
    #expect(PatchStrategies.builtin(group: "resourcemanager.mooring.dev", kind: "Project") == nil)
  }

  @Test func errors() {
    // kube: "missing merge key should error out".
    #expect(
      failure(#"{"mergingList":[{"name":"1","value":"a"}]}"#, #"{"mergingList":[{"value":"b"}]}"#)
        == #"map: {"value":"b"} does not contain declared merge key: name"#)
    // kube: "should check if order in $setElementOrder and patch list match".
    #expect(
      failure(
        #"{"mergingList":[{"name":"1"},{"name":"3"},{"name":"2"}]}"#,
        #"""
        {"$setElementOrder/mergingList":[{"name":"1"},{"name":"2"},{"name":"3"}],
         "mergingList":[{"name":"3","value":"3"},{"name":"1","value":"1"}]}
        """#)?.contains("doesn't match $setElementOrder list") == true)
    #expect(
      failure(#"{"m":{}}"#, #"{"m":{"$patch":"explode"}}"#)
        == #"unknown patch type: "explode" in map: {"$patch":"explode"}"#)
    #expect(
      failure(#"{}"#, #"{"$setElementOrder/mergingList":{"name":"1"}}"#)
        == "invalid patch format of setElementOrder list")
    #expect(
      failure(#"{}"#, #"{"$deleteFromPrimitiveList/mergingIntList":3}"#)
        == "invalid patch format of primitive list")
    #expect(
      failure(#"{}"#, #"[1]"#) == "strategic merge patch must be a JSON object, not array")
  }
}
