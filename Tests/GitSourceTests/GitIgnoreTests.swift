import GitSource
import Testing

/// The gitignore-style matcher on its own.
@Suite struct GitIgnoreTests {
  @Test func namesMatchAtAnyDepth() {
    let ignore = GitIgnore("*.md\nsecret.yaml\n")
    #expect(ignore.isIgnored("README.md", isDirectory: false))
    #expect(ignore.isIgnored("a/b/NOTES.md", isDirectory: false))
    #expect(ignore.isIgnored("a/secret.yaml", isDirectory: false))
    #expect(!ignore.isIgnored("a/md", isDirectory: false))
    #expect(!ignore.isIgnored("a/secret.yaml.bak", isDirectory: false))
  }

  @Test func slashesAnchorAndTrailingSlashMeansDirectory() {
    let ignore = GitIgnore("/docs/\nconfig/*.json\nbuild/\n")
    #expect(ignore.isIgnored("docs", isDirectory: true))
    #expect(!ignore.isIgnored("docs", isDirectory: false))
    #expect(!ignore.isIgnored("apps/docs", isDirectory: true))
    #expect(ignore.isIgnored("config/a.json", isDirectory: false))
    #expect(!ignore.isIgnored("x/config/a.json", isDirectory: false))
    #expect(!ignore.isIgnored("config/sub/a.json", isDirectory: false))
    #expect(ignore.isIgnored("x/y/build", isDirectory: true))
    #expect(!ignore.isIgnored("x/y/build", isDirectory: false))
  }

  @Test func doubleStars() {
    let ignore = GitIgnore("**/test/\nlogs/**\na/**/z.yaml\n")
    #expect(ignore.isIgnored("test", isDirectory: true))
    #expect(ignore.isIgnored("x/y/test", isDirectory: true))
    #expect(!ignore.isIgnored("x/y/test", isDirectory: false))
    #expect(ignore.isIgnored("logs/a/b.yaml", isDirectory: false))
    #expect(!ignore.isIgnored("logs", isDirectory: true))
    #expect(ignore.isIgnored("a/z.yaml", isDirectory: false))
    #expect(ignore.isIgnored("a/b/c/z.yaml", isDirectory: false))
    #expect(!ignore.isIgnored("b/a/z.yaml", isDirectory: false))
  }

  @Test func negationLastMatchWinsAndParentsExclude() {
    let ignore = GitIgnore("*.yaml\n!keep.yaml\nvendor/\n!vendor/keep.yaml\n")
    #expect(ignore.isIgnored("a.yaml", isDirectory: false))
    #expect(!ignore.isIgnored("x/keep.yaml", isDirectory: false))
    // Re-included by name, but its parent directory is excluded.
    #expect(!ignore.isIgnored("vendor/keep.yaml", isDirectory: false))
    #expect(ignore.isExcluded("vendor/keep.yaml", isDirectory: false))
    #expect(!ignore.isExcluded("x/keep.yaml", isDirectory: false))
  }

  @Test func globsClassesEscapesAndComments() {
    let ignore = GitIgnore(
      "# a comment\n\nfile-?.yaml\n[abc]*.json\n[!x]y.yml\n\\#hash\n\\!bang\ntrail   \n")
    #expect(ignore.isIgnored("file-1.yaml", isDirectory: false))
    #expect(!ignore.isIgnored("file-12.yaml", isDirectory: false))
    #expect(ignore.isIgnored("b-anything.json", isDirectory: false))
    #expect(!ignore.isIgnored("d.json", isDirectory: false))
    #expect(ignore.isIgnored("zy.yml", isDirectory: false))
    #expect(!ignore.isIgnored("xy.yml", isDirectory: false))
    #expect(ignore.isIgnored("#hash", isDirectory: false))
    #expect(ignore.isIgnored("!bang", isDirectory: false))
    #expect(ignore.isIgnored("trail", isDirectory: false))
    #expect(!ignore.isIgnored("# a comment", isDirectory: false))
    #expect(GitIgnore("\n# only comments\n").isEmpty)
  }
}
