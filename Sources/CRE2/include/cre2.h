// A small C API over RE2, the linear-time regular expression engine.
// Swift sees only this header; RE2's C++ types never leave cre2.cc.
#ifndef MOORING_CRE2_H
#define MOORING_CRE2_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An opaque compiled RE2 pattern.
typedef struct cre2_regexp cre2_regexp;

/// Compiles `pattern` (UTF-8, `length` bytes). Returns NULL on failure and, when
/// `error` is not NULL, stores a malloc'ed message the caller frees with `cre2_free_string`.
cre2_regexp *cre2_compile(const char *pattern, size_t length, char **error);

/// Frees a pattern returned by `cre2_compile`.
void cre2_delete(cre2_regexp *re);

/// Frees a string returned by this API.
void cre2_free_string(char *s);

/// Number of capturing groups in the pattern.
int cre2_group_count(const cre2_regexp *re);

/// 1 when the pattern matches anywhere in `text`, 0 otherwise.
int cre2_partial_match(const cre2_regexp *re, const char *text, size_t length);

/// 1 when the pattern matches all of `text`, 0 otherwise.
int cre2_full_match(const cre2_regexp *re, const char *text, size_t length);

/// Finds the first match at or after byte offset `start`. On success returns 1 and
/// stores up to `ngroups` (offset, length) pairs in `spans` (group 0 is the whole
/// match; an unmatched group gets offset -1). Returns 0 when there is no match.
int cre2_find(const cre2_regexp *re, const char *text, size_t length, size_t start,
              long *spans, int ngroups);

#ifdef __cplusplus
}
#endif

#endif
