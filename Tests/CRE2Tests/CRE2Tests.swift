import CGit2
import CRE2
import Foundation
import Testing

/// The C surfaces link and behave: RE2 through our C API, libgit2 through its own.
@Suite struct CRE2Tests {
  func compile(_ pattern: String) -> (OpaquePointer?, String?) {
    var err: UnsafeMutablePointer<CChar>?
    let re = pattern.withCString { cre2_compile($0, strlen($0), &err) }
    defer { cre2_free_string(err) }
    return (re, err.map { String(cString: $0) })
  }

  func matches(_ re: OpaquePointer, _ text: String) -> Bool {
    text.withCString { cre2_partial_match(re, $0, strlen($0)) == 1 }
  }

  @Test func partialAndFullMatch() throws {
    let (re, err) = compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    #expect(err == nil)
    let compiled = try #require(re)
    defer { cre2_delete(compiled) }
    #expect(matches(compiled, "my-name"))
    #expect(!matches(compiled, "My_Name"))
    #expect("abc".withCString { cre2_full_match(compiled, $0, 3) } == 1)
    #expect(cre2_group_count(compiled) == 1)
  }

  @Test func findReportsGroupSpans() throws {
    let (re, _) = compile("(\\d+)-(x)?")
    let compiled = try #require(re)
    defer { cre2_delete(compiled) }
    var spans = [Int](repeating: 0, count: 6)
    let found = "ab 123- 9".withCString { cre2_find(compiled, $0, strlen($0), 0, &spans, 3) }
    #expect(found == 1)
    #expect(Array(spans[0..<4]) == [3, 4, 3, 3])
    #expect(spans[4] == -1)  // the optional group did not take part
  }

  @Test func invalidPatternIsAnErrorNotACrash() {
    let (re, err) = compile("a(b")
    #expect(re == nil)
    #expect(err?.contains("missing )") == true)
  }

  @Test func backreferencesAreRejected() {
    // RE2 guarantees linear time by refusing what needs backtracking.
    let (re, err) = compile("(a)\\1")
    #expect(re == nil)
    #expect(err != nil)
  }

  @Test func pathologicalPatternAnswers() throws {
    // Catastrophic for backtracking engines; RE2 answers in linear time.
    let (re, _) = compile("^(a+)+$")
    let compiled = try #require(re)
    defer { cre2_delete(compiled) }
    #expect(!matches(compiled, String(repeating: "a", count: 5_000) + "b"))
  }

  @Test func libgit2Links() {
    #expect(git_libgit2_init() >= 1)
    var major: Int32 = 0
    var minor: Int32 = 0
    var rev: Int32 = 0
    git_libgit2_version(&major, &minor, &rev)
    #expect(major >= 1)
    git_libgit2_shutdown()
  }
}
