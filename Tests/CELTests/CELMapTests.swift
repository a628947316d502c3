import Objects
import Testing

@testable import CEL

/// Maps answer the same below and above the size where they start keeping a hash index.
@Suite struct CELMapTests {
  @Test(arguments: [1, 8, 9, 30])
  func lookupsAcrossTheIndexThreshold(size: Int) throws {
    var map = try CELMap((0..<size).map { (CELValue.string("k\($0)"), CELValue.int(Int64($0))) })
    #expect(map.count == size)
    for i in 0..<size {
      #expect(map[string: "k\(i)"]?.jsonValue == .int(Int64(i)))
      #expect(map[.string("k\(i)")]?.jsonValue == .int(Int64(i)))
    }
    #expect(map[string: "missing"] == nil)
    let replaced = map.set(.string("k0"), .string("replaced"))
    #expect(replaced)
    #expect(map[string: "k0"]?.jsonValue == "replaced")
    #expect(map.count == size)
    let added = map.set(.string("new"), .bool(true))
    #expect(added)
    #expect(map[string: "new"]?.jsonValue == true)
    #expect(map.keys.last?.jsonValue == "new", "insertion order kept")
    #expect(map.keys.first?.jsonValue == "k0")
    #expect(throws: CELError.self) {
      _ = try CELMap(
        (0..<size).map { (CELValue.string("k\($0)"), CELValue.null) } + [(.string("k0"), .null)])
    }
  }

  @Test(arguments: [3, 12])
  func numericKeysMatchAcrossTypes(size: Int) throws {
    let map = try CELMap((0..<size).map { (CELValue.int(Int64($0)), CELValue.string("v\($0)")) })
    #expect(map[.uint(1)]?.jsonValue == "v1")
    #expect(map[.double(2.0)]?.jsonValue == "v2")
    #expect(map[.double(2.5)] == nil)
    #expect(map[.string("1")] == nil)
  }

  @Test func objectsConvertWithTheirKeysInOrder() {
    let labels = ValueMap((0..<12).map { ("label-\($0)", Value.string("v\($0)")) })
    let value = CELValue(Value.map(["metadata": ["name": "a", "labels": .map(labels)]]))
    guard case .map(let top) = value, case .map(let metadata)? = top[string: "metadata"],
      case .map(let converted)? = metadata[string: "labels"]
    else {
      Issue.record("not maps: \(value)")
      return
    }
    #expect(metadata[string: "name"]?.jsonValue == "a")
    #expect(converted.count == 12)
    #expect(converted[string: "label-11"]?.jsonValue == "v11")
    #expect(converted.keys.map(\.jsonValue) == (0..<12).map { Value.string("label-\($0)") })
  }
}
