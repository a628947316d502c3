import Foundation
import GitSource
import Testing

/// Reading files straight from a commit's tree: path, extension and ignore filtering.
@Suite struct TreeReadingTests {
  static func paths(_ snapshot: GitTreeSnapshot) -> [String] { snapshot.files.map(\.path) }

  @Test func pathAndExtensionsSelectManifests() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    try fixture.write("clusters/prod/app.yaml", "kind: A\n")
    try fixture.write("clusters/prod/db.yml", "kind: B\n")
    try fixture.write("clusters/prod/extra.json", "{}\n")
    try fixture.write("clusters/prod/README.md", "# hi\n")
    try fixture.write("clusters/prod/sub/deep.YAML", "kind: C\n")
    try fixture.write("clusters/staging/app.yaml", "kind: S\n")
    try fixture.write("top.yaml", "kind: T\n")
    let sha = try fixture.commit("tree")
    try fixture.push()
    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    try await mirror.fetch()

    let prod = try mirror.snapshot(commit: sha, path: "./clusters/prod/")
    #expect(prod.path == "clusters/prod")
    #expect(
      Self.paths(prod) == [
        "clusters/prod/app.yaml", "clusters/prod/db.yml", "clusters/prod/extra.json",
        "clusters/prod/sub/deep.YAML",
      ])
    let app = try #require(prod.files.first)
    #expect(String(decoding: app.content, as: UTF8.self) == "kind: A\n")
    #expect(app.blobID == (try fixture.git("rev-parse", "\(sha):clusters/prod/app.yaml")))
    #expect(prod.treeID == (try fixture.git("rev-parse", "\(sha):clusters/prod")))
    #expect(try mirror.blob(app.blobID) == app.content)

    let root = try mirror.snapshot(commit: sha)
    #expect(root.files.count == 6)
    // Blobs the caller already holds come without content; a stale id is read.
    let known = try mirror.snapshot(
      commit: sha, path: "clusters/prod",
      known: ["clusters/prod/app.yaml": app.blobID, "clusters/prod/db.yml": app.blobID])
    #expect(known.files.map(\.content.count) == [0, 8, 3, 8])
    #expect(known.files.map(\.blobID) == prod.files.map(\.blobID))
    let everything = try mirror.snapshot(commit: sha, path: "clusters/prod", filter: .all)
    #expect(Self.paths(everything).contains("clusters/prod/README.md"))
  }

  @Test func ignorePatternsFilterTheWalk() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    for path in [
      "apps/a.yaml", "apps/keep.yaml", "apps/test/t.yaml", "apps/x/test/t.yaml", "docs/d.yaml",
      "apps/docs/d.yaml", "notes.md", "apps/b.yaml", "vendor/v.yaml", "vendor/keep.yaml",
    ] {
      try fixture.write(path, "kind: X\n")
    }
    let sha = try fixture.commit("tree")
    try fixture.push()
    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    try await mirror.fetch()

    let ignore = GitIgnore(
      """
      # comments and blank lines are skipped

      *.md
      /docs/
      **/test/
      apps/*.yaml
      !keep.yaml
      vendor/
      """)
    let snapshot = try mirror.snapshot(
      commit: sha, filter: GitFileFilter.manifests.ignoring(ignore))
    // apps/docs is not /docs; keep.yaml is re-included; nothing inside vendor/ can be.
    #expect(Self.paths(snapshot) == ["apps/docs/d.yaml", "apps/keep.yaml"])
  }

  @Test func olderCommitsAreReadAsTheyWere() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    try fixture.write("deploy/a.yaml", "version: 1\n")
    try fixture.write("other/o.yaml", "x: 1\n")
    let old = try fixture.commit("v1")
    try fixture.write("deploy/a.yaml", "version: 2\n")
    try fixture.write("deploy/b.yaml", "new: true\n")
    let unrelated = try fixture.commit("v2")
    try fixture.write("other/o.yaml", "x: 2\n")
    let latest = try fixture.commit("v3")
    try fixture.push()
    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    try await mirror.fetch()

    let before = try mirror.snapshot(commit: old, path: "deploy")
    #expect(Self.paths(before) == ["deploy/a.yaml"])
    #expect(String(decoding: before.files[0].content, as: UTF8.self) == "version: 1\n")
    let after = try mirror.snapshot(commit: latest, path: "deploy")
    #expect(Self.paths(after) == ["deploy/a.yaml", "deploy/b.yaml"])
    #expect(String(decoding: after.files[0].content, as: UTF8.self) == "version: 2\n")
    #expect(before.files[0].blobID != after.files[0].blobID)
    // A change elsewhere leaves the tree id of the path alone.
    #expect(try mirror.treeID(commit: unrelated, path: "deploy") == after.treeID)
    #expect(try mirror.treeID(commit: old, path: "deploy") != after.treeID)
  }

  @Test func missingPathsAreNotFound() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    try fixture.write("deploy/a.yaml", "a: 1\n")
    let sha = try fixture.commit("one")
    try fixture.push()
    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    try await mirror.fetch()
    for path in ["nope", "deploy/a.yaml"] {
      let error = #expect(throws: GitError.self) { try mirror.snapshot(commit: sha, path: path) }
      #expect(error?.kind == .notFound)
    }
    let badCommit = #expect(throws: GitError.self) {
      try mirror.snapshot(commit: String(repeating: "b", count: 40))
    }
    #expect(badCommit?.kind == .refNotFound)
  }

  @Test func tenThousandObjectsInAThousandFilesReadFast() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    for file in 0..<1_000 {
      var text = ""
      for object in 0..<10 {
        text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-\(file)-\(object)\n"
        text += "data:\n  key: value-\(file)-\(object)\n"
      }
      try fixture.write("deploy/dir-\(file % 20)/file-\(file).yaml", text)
    }
    try fixture.write("deploy/README.md", "ignored\n")
    let sha = try fixture.commit("big")
    try fixture.push()
    let mirror = GitMirror(url: fixture.bare, parentDirectory: fixture.mirrors)
    try await mirror.fetch()

    let filter = GitFileFilter.manifests.ignoring(GitIgnore("*.md\n**/nothing/\n"))
    let clock = ContinuousClock()
    var snapshot: GitTreeSnapshot?
    let elapsed = try clock.measure {
      snapshot = try mirror.snapshot(commit: sha, path: "deploy", filter: filter)
    }
    #expect(snapshot?.files.count == 1_000)
    let objects = snapshot?.files.reduce(0) { total, file in
      total + String(decoding: file.content, as: UTF8.self).components(separatedBy: "kind:").count
        - 1
    }
    #expect(objects == 10_000)
    #expect(elapsed < .milliseconds(500), "read took \(elapsed)")
  }
}
