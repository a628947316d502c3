import Testing

@testable import CEL

@Suite struct CELRegexTests {
  @Test func partialAndFullMatch() throws {
    let re = try CELRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    #expect(re.matches("my-name"))
    #expect(!re.matches("My_Name"))
    #expect(re.groupCount == 1)
    let word = try CELRegex("b+")
    #expect(word.matches("abbbc"))
    #expect(!word.matchesEntirely("abbbc"))
    #expect(word.matchesEntirely("bbb"))
    #expect(try CELRegex("").matches(""))
  }

  @Test func findAndCaptures() throws {
    let re = try CELRegex("(\\d+)-(x)?")
    let m = try #require(re.firstMatch(in: "ab 123- 9"))
    #expect(m.text == "123-")
    #expect(m.groups == ["123-", "123", nil])
    #expect(m.utf8Range == 3..<7)
    #expect(re.find("no digits") == nil)
    let all = try CELRegex("(\\w)=(\\d)").allMatches(in: "a=1, b=2, c=x")
    #expect(all.map(\.groups) == [["a=1", "a", "1"], ["b=2", "b", "2"]])
  }

  @Test func findAllFollowsGoForEmptyMatches() throws {
    #expect(try CELRegex("a*").findAll("baaab") == ["", "aaa", ""])
    #expect(try CELRegex("").findAll("é!") == ["", "", ""])
    #expect(try CELRegex("\\d").findAll("1a2b3", limit: 2) == ["1", "2"])
    #expect(try CELRegex("\\d").findAll("1a2b3", limit: 0) == [])
    #expect(try CELRegex("\\d").findAll("1a2b3", limit: -1) == ["1", "2", "3"])
    #expect(try CELRegex("é+").findAll("aéébé") == ["éé", "é"])
  }

  @Test func invalidPatternGivesRE2Message() {
    #expect {
      _ = try CELRegex("a(b")
    } throws: { error in
      let message = (error as? CELError)?.message ?? ""
      return message.contains("error parsing regexp") && message.contains("missing )")
        && message.contains("a(b")
    }
    // Backreferences need backtracking, which RE2 refuses.
    #expect(throws: CELError.self) { _ = try CELRegex("(a)\\1") }
  }

  @Test func cacheSharesCompiledPatterns() throws {
    let a = try CELRegex.cached("^cached-[0-9]+$")
    let b = try CELRegex.cached("^cached-[0-9]+$")
    #expect(a === b)
    #expect(throws: CELError.self) { _ = try CELRegex.cached("(unclosed") }
    #expect(throws: CELError.self) { _ = try CELRegex.cached("(unclosed") }
  }

  @Test func cacheIsSafeAcrossTasks() async throws {
    let patterns = (0..<64).map { "^p\($0 % 8)-[a-z]+$" }
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for (n, p) in patterns.enumerated() {
        group.addTask { try CELRegex.cached(p).matches("p\(n % 8)-abc") }
      }
      for try await ok in group { #expect(ok) }
    }
  }

  @Test func catastrophicBacktrackingPatternIsLinear() throws {
    // A backtracking engine takes exponential time here; RE2 does not.
    let text = String(repeating: "a", count: 10_000) + "b"
    let clock = ContinuousClock()
    let start = clock.now
    let matched = extCall(CELLibrary.regex, "matches", .string(text), .string("(a+)+$"))
    let elapsed = clock.now - start
    #expect(extSame(matched, .bool(false)))
    #expect(elapsed < .seconds(2))
    let anchored = try CELRegex("^(a|aa)+$")
    #expect(!anchored.matches(String(repeating: "a", count: 20_000) + "!"))
  }
}

@Suite struct RegexLibraryTests {
  let lib = CELLibrary.regex

  @Test func matchesGlobalAndReceiver() throws {
    let function = try #require(lib.functions.first { $0.name == "matches" })
    #expect(function.overloads.map(\.isInstance) == [false, true])
    #expect(extSame(extCall(lib, "matches", .string("hubba"), .string("ubb")), .bool(true)))
    #expect(extSame(extCall(lib, "matches", .string("hubba"), .string("^ubb")), .bool(false)))
    #expect(extSame(extCall(lib, "matches", .string("foobar"), .string("^fo+b")), .bool(true)))
    #expect(extSame(extCall(lib, "matches", .string("é"), .string("^.$")), .bool(true)))
  }

  @Test func find() {
    let found = extCall(lib, "find", .string("abc 123"), .string("[0-9]+"))
    #expect(extSame(found, .string("123")))
    #expect(extSame(extCall(lib, "find", .string("abc"), .string("[0-9]+")), .string("")))
  }

  @Test func findAll() {
    let text = CELValue.string("123 abc 456")
    let all = extCall(lib, "findAll", text, .string("[0-9]+"))
    #expect(extSame(all, .list([.string("123"), .string("456")])))
    let one = extCall(lib, "findAll", text, .string("[0-9]+"), .int(1))
    #expect(extSame(one, .list([.string("123")])))
    let every = extCall(lib, "findAll", text, .string("[0-9]+"), .int(-1))
    #expect(extSame(every, .list([.string("123"), .string("456")])))
    #expect(extSame(extCall(lib, "findAll", text, .string("x"), .int(5)), .list([])))
  }

  @Test func invalidPatternIsAnErrorValue() {
    for name in ["matches", "find", "findAll"] {
      let result = extCall(lib, name, .string("abc"), .string("(a"))
      let message = extError(result)
      #expect(message?.contains("missing )") == true, "\(name): \(message ?? "no error")")
    }
    #expect(
      extError(extCall(lib, "matches", .string("a"), .string("[z-a]")))?.contains("range") == true)
  }
}
