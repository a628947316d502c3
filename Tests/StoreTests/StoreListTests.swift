import Foundation
import Objects
import Store
import Testing

@Suite struct StoreListTests {
  /// A selector matching few objects is answered from the labels index, one matching many
  /// by walking the kind in key order; both give every match once, in key order, in pages.
  @Test func selectorsMatchingFewAndManyObjects() async throws {
    // Beyond 50 matching label rows the kind is walked in key order (5,000 by default).
    let f = try StoreFixture { $0.labelDrivenListLimit = 50 }
    try await f.namespace("a")
    try await f.namespace("b")
    let many = 260
    _ = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
      for i in 0..<many {
        var o = Object(
          apiVersion: "v1", kind: "ConfigMap", name: String(format: "cm-%05d", many - i),
          namespace: i % 2 == 0 ? "a" : "b")
        o.labels = ["tier": "web", "shard": i % 50 == 0 ? "rare" : "common"]
        _ = try tx.create(o)
      }
    }
    func keys(_ selector: String, namespace: String? = nil, limit: Int = 0) async throws
      -> [String]
    {
      var out: [String] = []
      var token: String?
      repeat {
        let page = try await f.store.list(
          configMaps,
          ListOptions(
            namespace: namespace, labelSelector: try LabelSelector(parsing: selector),
            limit: limit, continueToken: token))
        out += page.items.map { "\($0.namespace!)/\($0.name!)" }
        token = page.continueToken
      } while token != nil
      return out
    }
    let all = try await keys("tier=web", limit: 70)
    #expect(all.count == many)
    #expect(all == all.sorted())
    #expect(Set(all).count == many)
    let rare = try await keys("shard=rare")
    #expect(rare.count == 6)
    #expect(rare == rare.sorted())
    #expect(try await keys("shard in (rare,common)", namespace: "b", limit: 40).count == many / 2)
    #expect(try await keys("shard=rare", namespace: "b").isEmpty, "rare ones are all in a")
  }

  @Test func selectorsAndNamespaces() async throws {
    let f = try StoreFixture()
    try await f.namespace("a")
    try await f.namespace("b")
    try await f.configMap("web", in: "a", labels: ["tier": "web", "env": "prod"])
    try await f.configMap("api", in: "a", labels: ["tier": "api", "env": "prod"])
    try await f.configMap("web", in: "b", labels: ["tier": "web", "env": "dev"])
    func names(_ options: ListOptions) async throws -> [String] {
      try await f.store.list(configMaps, options).items.map { "\($0.namespace!)/\($0.name!)" }
    }
    #expect(try await names(ListOptions()) == ["a/api", "a/web", "b/web"])
    #expect(try await names(ListOptions(namespace: "a")) == ["a/api", "a/web"])
    #expect(
      try await names(ListOptions(labelSelector: try LabelSelector(parsing: "tier=web"))) == [
        "a/web", "b/web",
      ])
    #expect(
      try await names(
        ListOptions(labelSelector: try LabelSelector(parsing: "tier in (web,api),env!=dev")))
        == ["a/api", "a/web"])
    #expect(
      try await names(ListOptions(labelSelector: try LabelSelector(parsing: "!tier"))).isEmpty)
    #expect(
      try await names(ListOptions(fieldSelector: try FieldSelector(parsing: "metadata.name=web")))
        == ["a/web", "b/web"])
    #expect(
      try await names(
        ListOptions(fieldSelector: try FieldSelector(parsing: "metadata.namespace!=a"))) == [
          "b/web"
        ])
    await #expect(throws: StoreError.self) {
      try await f.store.list(
        configMaps, ListOptions(fieldSelector: try FieldSelector(parsing: "data.x=1")))
    }
    let list = try await f.store.list(configMaps, ListOptions())
    #expect(list.resourceVersion == (try await f.store.currentRevision()))
  }

  @Test func pagesAreOneConsistentSnapshot() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    for i in 0..<10 { try await f.configMap(String(format: "cm-%02d", i), data: ["v": "0"]) }
    let first = try await f.store.list(configMaps, ListOptions(limit: 4))
    #expect(first.items.map(\.name) == ["cm-00", "cm-01", "cm-02", "cm-03"])
    let token = try #require(first.continueToken)
    // Writes between pages: delete one not yet listed, change one, add one.
    _ = try await f.store.delete(cmKey("cm-05"), options: DeleteOptions(), context: f.admin)
    var changed = try await f.store.get(cmKey("cm-06"))
    changed.value["data"] = ["v": "1"]
    _ = try await f.store.update(changed, context: f.admin)
    try await f.configMap("cm-04b")
    var items = first.items
    var next: String? = token
    while let t = next {
      let page = try await f.store.list(configMaps, ListOptions(limit: 4, continueToken: t))
      #expect(page.resourceVersion == first.resourceVersion)
      items += page.items
      next = page.continueToken
    }
    #expect(items.map(\.name) == (0..<10).map { String(format: "cm-%02d", $0) })
    #expect(items.first { $0.name == "cm-06" }?.value["data"]?["v"] == "0")
    // A fresh list sees the new state.
    let now = try await f.store.list(configMaps, ListOptions())
    #expect(now.items.count == 10)
    #expect(now.items.contains { $0.name == "cm-04b" })
    await #expect(throws: StoreError.self) {
      try await f.store.list(configMaps, ListOptions(continueToken: "not-a-token"))
    }
  }

  /// `listStoredJSON` answers the same pages as `list`, as stored bytes: with and without
  /// selectors, across namespaces, and on a continued page read from history.
  @Test func storedJSONPagesMatchDecodedPages() async throws {
    let f = try StoreFixture()
    try await f.namespace("a")
    try await f.namespace("b")
    for i in 0..<12 {
      try await f.configMap(
        String(format: "cm-%02d", i), in: i % 2 == 0 ? "a" : "b",
        labels: ["even": i % 2 == 0 ? "yes" : "no", "i": String(i)])
    }
    func pages(_ options: ListOptions, deleting victim: String) async throws -> (
      [[String]], [[String]]
    ) {
      var decoded: [[String]] = []
      var stored: [[String]] = []
      var token: String?
      var first = true
      repeat {
        var o = options
        o.continueToken = token
        let d = try await f.store.list(configMaps, o)
        let s = try await f.store.listStoredJSON(configMaps, o)
        #expect(d.resourceVersion == s.resourceVersion)
        #expect(d.continueToken == s.continueToken)
        decoded.append(d.items.map { "\($0.namespace ?? "")/\($0.name ?? "")" })
        stored.append(
          try s.items.map { data in
            let object = try Object(JSON.decode(Array(data)))
            return "\(object.namespace ?? "")/\(object.name ?? "")"
          })
        if first {
          // A write between pages: the next ones are read from history.
          _ = try await f.store.delete(
            ObjectKey(configMaps, namespace: "b", name: victim), options: DeleteOptions(),
            context: f.admin)
          first = false
        }
        token = d.continueToken
      } while token != nil
      return (decoded, stored)
    }
    let cases = [
      (ListOptions(limit: 5), "cm-11"), (ListOptions(namespace: "a", limit: 4), "cm-09"),
      (ListOptions(labelSelector: try LabelSelector(parsing: "even=no,i!=3"), limit: 2), "cm-07"),
      (
        ListOptions(fieldSelector: try FieldSelector(parsing: "metadata.namespace=b"), limit: 3),
        "cm-05"
      ),
    ]
    for (options, victim) in cases {
      let (decoded, stored) = try await pages(options, deleting: victim)
      #expect(decoded == stored)
      #expect(decoded.joined().count >= 3, "\(decoded)")
    }
  }

  @Test func continueTokensExpireWithCompaction() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    for i in 0..<5 { try await f.configMap("cm-\(i)") }
    let first = try await f.store.list(configMaps, ListOptions(limit: 2))
    for i in 0..<5 { try await f.configMap("more-\(i)") }
    try f.store.compact(retainRevisions: 2)
    let error = await storeError {
      _ = try await f.store.list(
        configMaps, ListOptions(limit: 2, continueToken: first.continueToken))
    }
    let current = try await f.store.currentRevision()
    #expect(error == .expired(requested: first.resourceVersion, oldest: current - 2))
  }
}
