import Foundation
import GitSource
import Testing

/// Cloning and fetching a bare mirror from a local remote built with the git CLI.
@Suite struct MirrorFetchTests {
  @Test func firstFetchClonesThenFetchesIncrementally() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    try fixture.write("app.yaml", "a: 1\n")
    let first = try fixture.commit("first")
    try fixture.push()

    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    #expect(!mirror.isCloned)
    let clone = try await mirror.fetch()
    #expect(clone.cloned)
    #expect(clone.updatedReferences.contains("refs/heads/main"))
    #expect(mirror.isCloned)
    #expect(try mirror.resolve(.branch("main")).commit.sha == first)

    try fixture.write("app.yaml", "a: 2\n")
    let second = try fixture.commit("second")
    try fixture.push()
    let update = try await mirror.fetch()
    #expect(!update.cloned)
    #expect(update.updatedReferences == ["refs/heads/main"])
    #expect(update.receivedObjects > 0)
    #expect(try mirror.resolve(.branch("main")).commit.sha == second)

    let idle = try await mirror.fetch()
    #expect(idle.updatedReferences.isEmpty)
    // Only the mirror itself, no temporary clone left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.mirrors).count == 1)
  }

  @Test func forcePushRewritingHistoryIsFollowed() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let base = try fixture.commit("base")
    let doomed = try fixture.commit("doomed")
    try fixture.push()
    let mirror = GitMirror(url: "file://" + fixture.bare, parentDirectory: fixture.mirrors)
    try await mirror.fetch()
    #expect(try mirror.resolve(.branch("main")).commit.sha == doomed)

    try fixture.git("reset", "-q", "--hard", base)
    try fixture.write("new.yaml", "b: 1\n")
    let rewritten = try fixture.commit("rewritten")
    try fixture.push()
    try await mirror.fetch()
    let head = try mirror.resolve(.branch("main")).commit
    #expect(head.sha == rewritten)
    #expect(head.parents == [base])
  }

  @Test func movedTagsAreFollowed() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let first = try fixture.commit("first")
    try fixture.git("tag", "release")
    try fixture.push()
    try fixture.pushTags()
    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    try await mirror.fetch()
    #expect(try mirror.resolve(.tag("release")).commit.sha == first)
    let second = try fixture.commit("second")
    try fixture.git("tag", "-f", "-a", "release", "-m", "moved")
    try fixture.push()
    try fixture.pushTags()
    try await mirror.fetch()
    #expect(try mirror.resolve(.tag("release")).commit.sha == second)
  }

  @Test func deletedBranchesAndTagsArePruned() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    try fixture.commit("base")
    try fixture.push()
    try fixture.push("feature")
    try fixture.git("tag", "v1")
    try fixture.pushTags()
    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    try await mirror.fetch()
    _ = try mirror.resolve(.branch("feature"))
    _ = try mirror.resolve(.tag("v1"))

    try fixture.git("push", "-q", "origin", "--delete", "feature", "v1")
    let summary = try await mirror.fetch()
    #expect(Set(summary.updatedReferences) == ["refs/heads/feature", "refs/tags/v1"])
    let branchError = #expect(throws: GitError.self) { try mirror.resolve(.branch("feature")) }
    #expect(branchError?.kind == .refNotFound)
    let tagError = #expect(throws: GitError.self) { try mirror.resolve(.tag("v1")) }
    #expect(tagError?.kind == .refNotFound)
    #expect(try mirror.resolve(.branch("main")).commit.summary == "base")
  }

  @Test func concurrentFetchesAllSucceed() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let head = try fixture.commit("only")
    try fixture.push()
    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    let summaries = try await withThrowingTaskGroup(of: GitFetchSummary.self) { group in
      for _ in 0..<8 { group.addTask { try await mirror.fetch() } }
      var all: [GitFetchSummary] = []
      for try await summary in group { all.append(summary) }
      return all
    }
    #expect(summaries.count == 8)
    #expect(summaries.contains { $0.cloned })
    #expect(try mirror.resolve(.branch("main")).commit.sha == head)
    // A second mirror value for the same directory sees the same clone.
    let twin = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    #expect(twin.directory == mirror.directory)
    #expect(try await !twin.fetch().cloned)
  }

  @Test func missingRepositoryIsNotFoundAndLeavesNothing() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let mirror = GitMirror(url: fixture.root + "/nope.git", parentDirectory: fixture.mirrors)
    let error = await #expect(throws: GitError.self) { try await mirror.fetch() }
    #expect(error?.kind == .notFound, "\(String(describing: error))")
    #expect(!mirror.isCloned)
    let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: fixture.mirrors)) ?? []
    #expect(leftovers.isEmpty)
    let readError = #expect(throws: GitError.self) { try mirror.resolve(.branch("main")) }
    #expect(readError?.kind == .notFound)
  }

  @Test func directoryNameIsStableAndIgnoresCredentials() {
    let plain = GitMirror.directoryName(for: "https://git.example.com/org/repo.git")
    #expect(plain.utf8.count == 40)
    #expect(
      plain == GitMirror.directoryName(for: "https://bob:secret@git.example.com/org/repo.git"))
    #expect(plain != GitMirror.directoryName(for: "https://git.example.com/org/other.git"))
  }
}
