import Objects
import Testing

@testable import APIMachinery

/// Evaluates `path` on `json` and prints the matches as kubectl's JSONPath prints them
/// (space-separated), the form client-go's jsonpath_test.go states its expectations in.
private func run(_ path: String, _ json: String) throws -> String {
  let expression = try JSONPathExpression(parsing: path)
  return try expression.evaluate(try JSON.decode(json)).map(PrinterColumn.text(of:))
    .joined(separator: " ")
}

private func parseError(_ path: String) -> JSONPathError? {
  do {
    _ = try JSONPathExpression(parsing: path)
    return nil
  } catch {
    return error
  }
}

private func evaluationError(_ path: String, _ json: String) throws -> JSONPathError? {
  let expression = try JSONPathExpression(parsing: path)
  let value = try JSON.decode(json)
  do {
    _ = try expression.evaluate(value)
    return nil
  } catch {
    return error
  }
}

private let typesJSON = """
  {"bools": [true, false, true, false], "integers": [1, 2, 3, 4],
   "floats": [1.0, 2.2, 3.3, 4.0], "strings": ["one", "two", "three", "four"],
   "interfaces": [true, "one", 1, 1.1],
   "maps": [{"name": "one", "value": 1}, {"name": "two", "value": 2.02},
            {"name": "three", "value": 3.03}, {"name": "four", "value": 4.04}]}
  """

private let storeJSON = """
  {"Name": "jsonpath",
   "Book": [
     {"Category": "reference", "Author": "Nigel Rees", "Title": "Sayings of the Centurey",
      "Price": 8.95},
     {"Category": "fiction", "Author": "Evelyn Waugh", "Title": "Sword of Honour", "Price": 12.99},
     {"Category": "fiction", "Author": "Herman Melville", "Title": "Moby Dick", "Price": 8.99}],
   "Bicycle": [{"Color": "red", "Price": 19.95, "IsNew": true},
               {"Color": "green", "Price": 20.01, "IsNew": false}],
   "Labels": {"engieer": 10, "web/html": 15, "k8s-app": 20},
   "Employees": {"jason": "manager", "dan": "clerk"}}
  """

private let pointsJSON = """
  [{"id": "i1", "x": 4, "y": -5}, {"id": "i2", "x": -2, "y": -5, "z": 1},
   {"id": "i3", "x": 8, "y": 3}, {"id": "i4", "x": -6, "y": -1},
   {"id": "i5", "x": 0, "y": 2, "z": 1}, {"id": "i6", "x": 1, "y": 4}]
  """

private let nodesJSON = """
  {"kind": "List",
   "items": [
     {"kind": "None",
      "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
      "status": {"capacity": {"cpu": "4"}, "ready": true,
                 "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
     {"kind": "None",
      "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
      "status": {"capacity": {"cpu": "8"}, "ready": false,
                 "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"},
                               {"type": "another", "address": "127.0.0.3"}]}}],
   "users": [{"name": "myself", "user": {}},
             {"name": "e2e", "user": {"username": "admin", "password": "secret"}}]}
  """

private let containers = """
  {"spec": {"containers": [{"name": "fake0"}, {"name": "fake1"}, {"name": "fake2"},
                           {"name": "fake3"}, {"name": "fake4"}, {"name": "fake5"}]}}
  """

private let fourContainers = """
  {"spec": {"containers": [{"name": "fake0"}, {"name": "fake1"}, {"name": "fake2"},
                           {"name": "fake3"}]}}
  """

/// client-go's TestTypesInput, TestStructInput, TestJSONInput and TestKubernetes cases
/// (struct inputs as JSON; map members come out in key order).
@Suite struct JSONPathClientGoTests {
  static let typesCases: [(String, String)] = [
    (" .bools ", "[true,false,true,false]"),
    (" .bools[0] ", "true"),
    (" .bools[-1] ", "false"),
    (" .bools[0:2] ", "true false"),
    (" .bools[:2] ", "true false"),
    (" .bools[:4:2] ", "true true"),
    (" .integers ", "[1,2,3,4]"),
    (" .integers[0] ", "1"),
    (" .integers[-2] ", "3"),
    (" .integers[0:2] ", "1 2"),
    (" .integers[:4:2] ", "1 3"),
    (" .floats ", "[1,2.2,3.3,4]"),
    (" .floats[0] ", "1"),
    (" .floats[-2] ", "3.3"),
    (" .floats[:4:2] ", "1 3.3"),
    (" .strings ", #"["one","two","three","four"]"#),
    (" .strings[-2] ", "three"),
    (" .strings[:4:2] ", "one three"),
    (" .interfaces ", #"[true,"one",1,1.1]"#),
    (" .interfaces[0:2] ", "true one"),
    (" .interfaces[:4:2] ", "true 1"),
    (
      " .maps ",
      #"[{"name":"one","value":1},{"name":"two","value":2.02},{"name":"three","value":3.03},"#
        + #"{"name":"four","value":4.04}]"#
    ),
    (" .maps[-2] ", #"{"name":"three","value":3.03}"#),
    (" .maps[::2] ", #"{"name":"one","value":1} {"name":"three","value":3.03}"#),
    (" .maps[1::2] ", #"{"name":"two","value":2.02} {"name":"four","value":4.04}"#),
  ]

  @Test(arguments: typesCases)
  func types(path: String, expected: String) throws {
    #expect(try run(path, typesJSON) == expected)
  }

  @Test func standaloneInputs() throws {
    #expect(try run("[?(@<5)]", "[2, 6, 3, 7]") == "2 3")
    #expect(try run("..", "[1, 2, 3]") == "[1,2,3]")
    #expect(try run("[1,3,4]", "[0, 1, 2, 3, 4]") == "1 3 4")
    #expect(try run("[0:2]", #"["Monday", "Tudesday"]"#) == "Monday Tudesday")
  }

  static let storeCases: [(String, String)] = [
    ("$.Labels.web/html", "15"),
    ("$.Employees.jason", "manager"),
    ("$.Employees.dan", "clerk"),
    (".Labels.k8s-app", "20"),
    (".Bicycle[*].Color", "red green"),
    (".Book[*].Author", "Nigel Rees Evelyn Waugh Herman Melville"),
    // Bicycle sorts before Book, where client-go's struct input kept field order.
    ("..Price", "19.95 20.01 8.95 12.99 8.99"),
    ("...Price", "19.95 20.01 8.95 12.99 8.99"),
    (
      ".Bicycle",
      #"[{"Color":"red","IsNew":true,"Price":19.95},{"Color":"green","IsNew":false,"Price":20.01}]"#
    ),
    (
      ".Book[-1:]",
      #"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#
    ),
    (
      "..Book[2]",
      #"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#
    ),
    (".Bicycle[?(@.IsNew==true)]", #"{"Color":"red","IsNew":true,"Price":19.95}"#),
    (".hello", ""),
  ]

  @Test(arguments: storeCases)
  func store(path: String, expected: String) throws {
    #expect(try run(path, storeJSON) == expected)
  }

  @Test func storeFailures() throws {
    #expect(parseError("hello")?.message == "unrecognized identifier hello")
    #expect(parseError(".Book[?(@.Price<>10)]")?.message == "unrecognized filter operator <>")
    #expect(
      parseError("............................................................Price")?.message
        == "invalid multiple recursive descent")
    #expect(
      try evaluationError(".Labels[0]", storeJSON)?.message
        == "object is not array or slice")
  }

  @Test func points() throws {
    #expect(try run("[?(@.z)].id", pointsJSON) == "i2 i5")
    #expect(try run("[0]['id']", pointsJSON) == "i1")
  }

  static let kubernetesCases: [(String, String)] = [
    (".items[*].status.addresses[*].address", "127.0.0.1 127.0.0.2 127.0.0.3"),
    (".items[*].metadata.name", "127.0.0.1 127.0.0.2"),
    (
      ".items[*]['metadata.name', 'status.capacity']",
      #"127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}"#
    ),
    (#".users[?(@.name=="e2e")].user.password"#, "secret"),
    (#".items[0].metadata.labels.kubernetes\.io/hostname"#, "127.0.0.1"),
    (#".items[?(@.metadata.labels.kubernetes\.io/hostname=="127.0.0.1")].kind"#, "None"),
    (".items[?(@..ready==true)].metadata.name", "127.0.0.1"),
    ("..name", "127.0.0.1 127.0.0.2 myself e2e"),
  ]

  @Test(arguments: kubernetesCases)
  func kubernetes(path: String, expected: String) throws {
    #expect(try run(path, nodesJSON) == expected)
  }

  @Test func filterToleratesMissingKeys() throws {
    let pods = """
      {"items": [{"metadata": {"name": "pod1", "annotations": {"color": "blue"}}},
                 {"metadata": {"name": "pod2"}},
                 {"metadata": {"name": "pod3", "annotations": {"color": "green"}}},
                 {"metadata": {"name": "pod4", "annotations": {"color": "blue"}}}]}
      """
    #expect(
      try run(#".items[?(@.metadata.annotations.color=="blue")].metadata.name"#, pods)
        == "pod1 pod4")
  }

  static let negativeIndexCases: [(String, String)] = [
    (".spec.containers[0].name", "fake0"),
    (".spec.containers[0:0].name", ""),
    (".spec.containers[0:-1].name", "fake0 fake1 fake2"),
    (".spec.containers[-1].name", "fake3"),
    (".spec.containers[-1:].name", "fake3"),
    (".spec.containers[-2].name", "fake2"),
    (".spec.containers[-2:].name", "fake2 fake3"),
    (".spec.containers[-3].name", "fake1"),
    (".spec.containers[-4].name", "fake0"),
    (".spec.containers[-4:].name", "fake0 fake1 fake2 fake3"),
    (".spec.containers[5:5].name", ""),
    (".spec.containers[-5:-5].name", ""),
  ]

  @Test(arguments: negativeIndexCases)
  func negativeIndex(path: String, expected: String) throws {
    #expect(try run(path, fourContainers) == expected)
  }

  static let negativeIndexErrorsCases: [(String, String)] = [
    (".spec.containers[-1:0].name", "starting index 3 is greater than ending index 0"),
    (".spec.containers[-5].name", "array index out of bounds: index -1, length 4"),
    (".spec.containers[3:1].name", "starting index 3 is greater than ending index 1"),
    (".spec.containers[-1:-2].name", "starting index 3 is greater than ending index 2"),
    (".spec.containers[4].name", "array index out of bounds: index 4, length 4"),
    (".spec.containers[0:5].name", "array index out of bounds: index 4, length 4"),
  ]

  @Test(arguments: negativeIndexErrorsCases)
  func negativeIndexErrors(path: String, message: String) throws {
    #expect(try evaluationError(path, fourContainers)?.message == message)
  }

  static let stepCases: [(String, String)] = [
    (".spec.containers[0:].name", "fake0 fake1 fake2 fake3 fake4 fake5"),
    (".spec.containers[0:6:].name", "fake0 fake1 fake2 fake3 fake4 fake5"),
    (".spec.containers[0:6:1].name", "fake0 fake1 fake2 fake3 fake4 fake5"),
    (".spec.containers[1:4:2].name", "fake1 fake3"),
    (".spec.containers[1:4:3].name", "fake1"),
    (".spec.containers[1:4:4].name", "fake1"),
    (".spec.containers[0:6:2].name", "fake0 fake2 fake4"),
    (".spec.containers[0:6:3].name", "fake0 fake3"),
    (".spec.containers[0:6:5].name", "fake0 fake5"),
    (".spec.containers[0:6:6].name", "fake0"),
  ]

  @Test(arguments: stepCases)
  func step(path: String, expected: String) throws {
    #expect(try run(path, containers) == expected)
  }

  @Test func nonPositiveStepFails() throws {
    #expect(
      try evaluationError(".spec.containers[0:6:0]", containers)?.message == "step must be > 0")
    #expect(
      try evaluationError(".spec.containers[0:6:-1]", containers)?.message == "step must be > 0")
  }
}

/// The paths printer columns use, on objects shaped like Mooring's.
@Suite struct JSONPathPrinterColumnTests {
  let object = """
    {"metadata": {"name": "platform", "labels": {"app.kubernetes.io/name": "web", "tier": "gold"}},
     "spec": {"replicas": 3, "url": "https://example.com/repo.git",
              "items": [{"name": "a", "weight": 1}, {"name": "b", "weight": 2.5}]},
     "status": {"conditions": [
       {"type": "Reconciling", "status": "False", "message": "idle"},
       {"type": "Ready", "status": "True", "message": "Applied revision: main@sha1:abc"}]}}
    """

  static let evaluatesCases: [(String, String)] = [
    (".spec.replicas", "3"),
    (".metadata.labels.tier", "gold"),
    (".status.conditions[0].type", "Reconciling"),
    (#".status.conditions[?(@.type=="Ready")].status"#, "True"),
    (#".status.conditions[?(@.type == "Ready")].message"#, "Applied revision: main@sha1:abc"),
    (".status.conditions[?(@.type=='Ready')].status", "True"),
    (#".status.conditions[?(@.type!="Ready")].type"#, "Reconciling"),
    (".spec.items[*].name", "a b"),
    (".spec.items[?(@.weight>1)].name", "b"),
    (".spec.items[?(@.weight>=1)].name", "a b"),
    (".spec.items[?(@.weight<2.5)].name", "a"),
    (".spec.items[?(@.weight==2.5)].name", "b"),
    (".spec.items[?(@.weight==1.0)].name", "a"),
    (#".metadata.labels['app\.kubernetes\.io/name']"#, "web"),
    (#".metadata.labels.app\.kubernetes\.io/name"#, "web"),
    (#".metadata.labels["app.kubernetes.io/name"]"#, "web"),
    // client-go reads 'a.b' as the path .a.b, which does not exist here.
    (".metadata.labels['app.kubernetes.io/name']", ""),
    (".metadata.labels.*", "web gold"),
    (".spec.missing.deeper[0]", ""),
    (".status.conditions[?(@.missing)].type", ""),
    (".status.conditions[?(@.message)].type", "Reconciling Ready"),
    (".status.conditions[?(@.status==true)].type", ""),
    (".status.conditions[?(@.status!=1)].type", "Reconciling Ready"),
  ]

  @Test(arguments: evaluatesCases)
  func evaluates(path: String, expected: String) throws {
    #expect(try run(path, object) == expected)
  }

  @Test func evaluateReturnsValues() throws {
    let value = try JSON.decode(object)
    let path = try JSONPathExpression(parsing: ".spec.items[*].weight")
    #expect(try path.evaluate(value) == [1, 2.5])
    #expect(try JSONPathExpression(parsing: ".spec").evaluate(value) == [value["spec"]!])
    #expect(path.description == ".spec.items[*].weight")
    #expect(path == (try JSONPathExpression(parsing: ".spec.items[*].weight")))
  }

  @Test func filterOnNonListTreatsMapValuesAsElements() throws {
    #expect(try run(#".metadata.labels[?(@=="gold")]"#, object) == "gold")
  }

  @Test func filterOperandWithSeveralValuesFails() throws {
    let error = try evaluationError(
      #".status.conditions[?(@..status=="x")]"#,
      #"{"status": {"conditions": [{"a": {"status": 1}, "b": {"status": 2}}]}}"#)
    #expect(error?.message == "can only compare one element at a time")
  }

  @Test func quotedStringsUnescapeAsGo() throws {
    let json = #"{"items": [{"v": "a\"b"}, {"v": "tab\there"}, {"v": "é"}]}"#
    #expect(try run(#".items[?(@.v=="a\"b")].v"#, json) == "a\"b")
    #expect(try run(#".items[?(@.v=="tab\there")].v"#, json) == "tab\there")
    #expect(try run(#".items[?(@.v=="\u00e9")].v"#, json) == "é")
  }
}

@Suite struct JSONPathParseErrorTests {
  static let reportsWhereCases: [(String, Int, String)] = [
    (".a[0", 2, "unterminated array"),
    (#".a[?(@.x=="y""#, 2, "unterminated filter"),
    (#".a[?(@.x=="y")"#, 14, "unclosed array expect ]"),
    (".a[x]", 3, "invalid array index x"),
    (".a[1:2:3:4]", 3, "invalid array index 1:2:3:4"),
    (".a[-]", 3, "array index - is not a number"),
    (".a[?(@.x==nope)]", 10, "unrecognized identifier nope"),
    (".a[?(@.x=<1)]", 8, "unrecognized filter operator =<"),
    (".a[?(@.x==1.2.3)]", 10, "cannot parse number 1.2.3"),
    (#".a["unterminated]"#, 2, "unterminated quoted key"),
    (".a b", 3, "unrecognized identifier b"),
    (".a]", 2, "unrecognized character in action: ]"),
    (".a[?(@.x=='\\q')]", 10, "unquote string '\\q' error invalid syntax"),
  ]

  @Test(arguments: reportsWhereCases)
  func reportsWhere(path: String, offset: Int, message: String) {
    let error = parseError(path)
    #expect(error?.offset == offset)
    #expect(error?.message == message)
  }

  @Test func describesTheProblem() {
    #expect(
      parseError(".a[0")?.description == #"invalid JSONPath ".a[0" at 2: unterminated array"#)
    let evaluation = JSONPathError(expression: ".a[0]", offset: nil, message: "boom")
    #expect(evaluation.description == #"JSONPath ".a[0]": boom"#)
  }
}
