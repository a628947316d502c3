#include "cre2.h"

#include <re2/re2.h>

#include <cstdlib>
#include <cstring>
#include <vector>

struct cre2_regexp {
  re2::RE2 re;
  explicit cre2_regexp(re2::StringPiece p, const re2::RE2::Options &o) : re(p, o) {}
};

static char *copy_string(const std::string &s) {
  char *out = static_cast<char *>(std::malloc(s.size() + 1));
  if (out) {
    std::memcpy(out, s.data(), s.size());
    out[s.size()] = 0;
  }
  return out;
}

extern "C" cre2_regexp *cre2_compile(const char *pattern, size_t length, char **error) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  auto *re = new (std::nothrow) cre2_regexp(re2::StringPiece(pattern, length), options);
  if (re == nullptr) {
    if (error) *error = copy_string("out of memory");
    return nullptr;
  }
  if (!re->re.ok()) {
    if (error) *error = copy_string(re->re.error());
    delete re;
    return nullptr;
  }
  if (error) *error = nullptr;
  return re;
}

extern "C" void cre2_delete(cre2_regexp *re) { delete re; }

extern "C" void cre2_free_string(char *s) { std::free(s); }

extern "C" int cre2_group_count(const cre2_regexp *re) {
  return re->re.NumberOfCapturingGroups();
}

extern "C" int cre2_partial_match(const cre2_regexp *re, const char *text, size_t length) {
  return re2::RE2::PartialMatch(re2::StringPiece(text, length), re->re) ? 1 : 0;
}

extern "C" int cre2_full_match(const cre2_regexp *re, const char *text, size_t length) {
  return re2::RE2::FullMatch(re2::StringPiece(text, length), re->re) ? 1 : 0;
}

extern "C" int cre2_find(const cre2_regexp *re, const char *text, size_t length, size_t start,
                         long *spans, int ngroups) {
  if (ngroups < 1) ngroups = 1;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups));
  re2::StringPiece input(text, length);
  if (!re->re.Match(input, start, length, re2::RE2::UNANCHORED, groups.data(), ngroups)) {
    return 0;
  }
  for (int i = 0; i < ngroups; i++) {
    if (groups[i].data() == nullptr) {
      spans[2 * i] = -1;
      spans[2 * i + 1] = 0;
    } else {
      spans[2 * i] = static_cast<long>(groups[i].data() - text);
      spans[2 * i + 1] = static_cast<long>(groups[i].size());
    }
  }
  return 1;
}
