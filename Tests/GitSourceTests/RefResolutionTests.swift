import GitSource
import Testing

/// Branches, tags, reference names and commit SHAs resolve to commits with metadata.
@Suite struct RefResolutionTests {
  /// A mirror with `main` (two commits), branch `dev`, lightweight tag `light` on the first
  /// commit and annotated tag `v1.0.0` on the second.
  static func makeMirror(_ fixture: GitFixture) async throws -> (
    GitMirror, first: String, second: String
  ) {
    let first = try fixture.commit("first commit")
    try fixture.git("tag", "light")
    let second = try fixture.commit("second commit\n\nWith a body\nover two lines.")
    try fixture.git("tag", "-a", "v1.0.0", "-m", "release")
    try fixture.push()
    try fixture.git("checkout", "-q", "-b", "dev", first)
    try fixture.push("dev")
    try fixture.pushTags()
    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    try await mirror.fetch()
    return (mirror, first, second)
  }

  @Test func branchesTagsAndNamesResolve() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let (mirror, first, second) = try await Self.makeMirror(fixture)
    #expect(try mirror.resolve(.branch("main")).commit.sha == second)
    #expect(try mirror.resolve(.branch("dev")).commit.sha == first)
    #expect(try mirror.resolve(.name("refs/heads/dev")).commit.sha == first)
    #expect(try mirror.resolve(.tag("light")).commit.sha == first)
    // The annotated tag object is peeled to its commit.
    #expect(try mirror.resolve(.tag("v1.0.0")).commit.sha == second)
    #expect(try mirror.resolve(.name("refs/tags/v1.0.0")).commit.sha == second)
  }

  @Test func commitsResolveByFullAndAbbreviatedSHA() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let (mirror, first, _) = try await Self.makeMirror(fixture)
    #expect(try mirror.resolve(.commit(first)).commit.sha == first)
    #expect(try mirror.resolve(.commit(String(first.prefix(7)))).commit.sha == first)
    #expect(try mirror.resolve(.commit(first.uppercased())).commit.sha == first)
  }

  @Test func parsedReferencesPickTheirKind() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let (mirror, first, second) = try await Self.makeMirror(fixture)
    #expect(GitReference(parsing: "refs/heads/main") == .name("refs/heads/main"))
    #expect(GitReference(parsing: first) == .commit(first))
    #expect(GitReference(parsing: "main") == .any("main"))

    let branch = try mirror.resolve(GitReference(parsing: "main"))
    #expect(branch.reference == .branch("main"))
    #expect(branch.artifactRevision == "main@sha1:\(second)")
    let tag = try mirror.resolve(GitReference(parsing: "v1.0.0"))
    #expect(tag.reference == .tag("v1.0.0"))
    #expect(tag.artifactRevision == "v1.0.0@sha1:\(second)")
    let short = try mirror.resolve(GitReference(parsing: String(first.prefix(10))))
    #expect(short.reference == .commit(first))
    #expect(short.artifactRevision == "sha1:\(first)")
    let named = try mirror.resolve(GitReference(parsing: "refs/heads/dev"))
    #expect(named.artifactRevision == "refs/heads/dev@sha1:\(first)")
  }

  @Test func commitMetadataIsRead() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let (mirror, first, second) = try await Self.makeMirror(fixture)
    let commit = try mirror.resolve(.branch("main")).commit
    #expect(commit.summary == "second commit")
    #expect(commit.message.hasPrefix("second commit\n\nWith a body"))
    #expect(commit.author.name == "Ada Author")
    #expect(commit.author.email == "ada@example.com")
    #expect(commit.committer.name == "Cy Committer")
    #expect(commit.author.time == 1_700_000_120)
    #expect(commit.author.utcOffsetMinutes == 120)
    #expect(commit.parents == [first])
    #expect(commit.treeID == (try fixture.git("rev-parse", "\(second)^{tree}")))
  }

  @Test func missingReferencesAreRefNotFound() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let (mirror, _, _) = try await Self.makeMirror(fixture)
    let references: [GitReference] = [
      .branch("nope"), .tag("v9"), .name("refs/heads/nope"), .commit("0123456789abcdef"),
      .commit(String(repeating: "a", count: 40)), .any("nope"), .branch("bad..name"),
    ]
    for reference in references {
      let error = #expect(throws: GitError.self) { try mirror.resolve(reference) }
      #expect(error?.kind == .refNotFound, "\(reference)")
    }
  }
}
